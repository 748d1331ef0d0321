"""tools/qemu_plugin + kcbench.static.qemu: the TCG plugin counts exactly and
identically run to run (a tiny aarch64 program under qemu-aarch64), and the
per-op arithmetic (N vs 2N, loop removed with the empty body) is right."""
import os
import shutil
import subprocess
import tempfile
import unittest

try:
    from . import kcb_tools_testutil as U  # noqa: F401  (puts tools/ on path)
except ImportError:
    import kcb_tools_testutil as U  # noqa: F401

from kcbench.io import KcbError
from kcbench.static import qemu as kcb_qemu
from kcbench.static.elf import Elf

PROG = r"""
__attribute__((noinline)) void kcb_count_begin(void) { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) void kcb_count_end(void) { __asm__ volatile("nop" ::: "memory"); }
/* 3 instructions on aarch64: two adds and ret */
__attribute__((noinline)) int hot(int x) { return x * 3 + 1; }
int main(void)
{
	volatile int s = 0;
	for (int n = 16; n <= 32; n += 16) {
		kcb_count_begin();
		for (int i = 0; i < n; i++)
			s += hot(i);
		kcb_count_end();
	}
	return 0;
}
"""
CC = "aarch64-linux-gnu-gcc"


@unittest.skipUnless(shutil.which(CC) and shutil.which("qemu-aarch64") and shutil.which("gcc"),
                     "needs aarch64-linux-gnu-gcc, qemu-aarch64 and gcc")
class Plugin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kcb-plugin-test-")
        src = os.path.join(cls.tmp, "t.c")
        with open(src, "w") as f:
            f.write(PROG)
        cls.exe = os.path.join(cls.tmp, "t")
        subprocess.run([CC, "-O2", "-fno-pie", "-no-pie", src, "-o", cls.exe], check=True)
        cls.so = kcb_qemu.build_plugin(os.path.join(cls.tmp, "plugin"))
        cls.elf = Elf(cls.exe)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_once(self, tag, with_range=True):
        start, size, _ = self.elf.funcs["hot"]
        lines = [f"range {start:x} {start + size:x}\n"] if with_range else []
        lines += [f"begin {self.elf.entry('kcb_count_begin'):x}\n",
                  f"end {self.elf.entry('kcb_count_end'):x}\n"]
        cmd = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-plugin", self.so + ",cfg=@CFG@", self.exe]
        _, plug = kcb_qemu._run(cmd, lines, self.tmp, tag)
        return plug

    def test_exact_and_repeatable(self):
        a, b = self.run_once("a"), self.run_once("b")
        self.assertEqual(a, b)
        self.assertTrue(a[0].startswith("kcb_insn_count 1 ranges 1 windows 2 unmatched_ends 0"))
        w = [tuple(map(int, ln.split()[2:])) for ln in a[1:]]
        self.assertEqual(w[0][1], 16 * 3)  # hot() alone: exactly 3 insns per call
        self.assertEqual(w[1][1], 32 * 3)
        self.assertGreater(w[1][0] - w[0][0], 16 * 3)  # plus the loop

    def test_bad_cfg_is_refused(self):
        cfg = os.path.join(self.tmp, "bad.cfg")
        with open(cfg, "w") as f:
            f.write("bogus line\n")
        res = subprocess.run(["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-plugin",
                              self.so + ",cfg=" + cfg, self.exe], capture_output=True, text=True)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("bad cfg line", res.stderr)


class PerOp(unittest.TestCase):
    def wins(self):
        # (symbol, fn, model, variant, ops, total, hot); loop costs 5 per op
        w = []
        for sym, kind, body in (("kcb_count_empty_site", "site", 1), ("kcb_empty__void", "void", 1),
                                ("kcb_empty__chain", "chain", 2), ("kcb_empty__indexed", "indexed", 1)):
            for n in (64, 128):
                w.append((sym, "empty", "-", kind, n, 1000 + n * (5 + body), n * body))
        for n in (64, 128):  # hot path: 10 own insns + 20 in the allocator
            w.append(("kcb_callsite__sheaves__static", "callsite", "sheaves", "static", n,
                      2000 + n * (5 + 30), 7 + n * 10))
        return w

    def test_loop_removed_allocator_kept(self):
        # each record names the config its symbol belongs to
        recs = kcb_qemu._per_op(self.wins(), {}, {"kcb_callsite__sheaves__static": "minimal"})
        self.assertEqual(recs, [dict(model="sheaves", fn="callsite", variant="static", config="minimal",
                                     symbol="kcb_callsite__sheaves__static", insns_per_op=30,
                                     hotpath_insns_per_op=10, ops=64)])

    def test_unbalanced_plugin_report_is_an_error(self):
        with self.assertRaises(KcbError):
            kcb_qemu._pair(["window 0 a b c d 64"],
                           ["kcb_insn_count 1 ranges 1 windows 1 unmatched_ends 1 nested_begins 0",
                            "window 0 10 5"])


if __name__ == "__main__":
    unittest.main()
