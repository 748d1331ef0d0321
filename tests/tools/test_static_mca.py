"""kcbench.static.mca: the block fed to llvm-mca (fall-through path, control
flow removed), syntax conversion, output parsing, and real llvm-mca-16 runs
including the "no model" reporting."""
import os
import unittest

try:
    from . import kcb_tools_testutil as U  # noqa: F401  (puts tools/ on path)
except ImportError:
    import kcb_tools_testutil as U  # noqa: F401

from kcbench.static import mca as kcb_mca
from kcbench.static.elf import Listing
from kcbench.vocab import ARCHES

X86_CALLSITE = """
0000000000401b00 <kcb_callsite__sheaves__pointer>:
  401b00:\tsub    $0x8,%rsp
  401b04:\tmov    0x2c515(%rip),%rdi        # 42e020 <kcb_cachep_sheaves_0>
  401b0b:\tmov    $0xcc0,%esi
  401b10:\tcall   402000 <kcb_sheaves_alloc>
  401b15:\ttest   %rax,%rax
  401b18:\tje     401b30 <kcb_callsite__sheaves__pointer+0x30>
  401b1a:\tmov    0x2c4ff(%rip),%rdi        # 42e020 <kcb_cachep_sheaves_0>
  401b21:\tmov    %rax,%rsi
  401b24:\tadd    $0x8,%rsp
  401b28:\tjmp    402100 <kcb_sheaves_free>
  401b2d:\tnopl   (%rax)
  401b30:\tadd    $0x8,%rsp
  401b34:\tret
"""

ARM64_SITE = """
0000000000400800 <kcb_site__sheaves__static>:
  400800:\tadrp\tx0, 4b0000 <kcb_static_sheaves_0+0x100>
  400804:\tadd\tx0, x0, #0x40
  400808:\tret
"""

MCA_OUT = """
[0] Code Region - site.sheaves.pointer

Iterations:        100
Instructions:      200
Total Cycles:      207
Total uOps:        200

Block RThroughput: 0.5

[1] Code Region - site.sheaves.static

Iterations:        100
Instructions:      100
Total Cycles:      104
Block RThroughput: 0.3
"""


def insns(text, arch):
    lst = Listing(text, arch)
    return lst.range(lst.insns[0].addr, 0x35 if arch == "x86_64" else 12)


class Block(unittest.TestCase):
    def test_fall_through_path(self):
        blk = kcb_mca.hot_block("x86_64", insns(X86_CALLSITE, "x86_64"))
        self.assertEqual([i.mnem for i in blk], ["sub", "mov", "mov", "test", "mov", "mov", "add"])
        # executed along that path: + call, je (not taken), jmp (tail call)
        self.assertEqual(kcb_mca.path_insns("x86_64", insns(X86_CALLSITE, "x86_64")), 10)

    def test_mips_delay_slot_on_path(self):
        text = """
0000000010001800 <kcb_site__sheaves__pointer>:
    10001800:\tlui\tv0,0x1002
    10001804:\tjr\tra
    10001808:\tld\tv0,-11928(v0)
"""
        lst = Listing(text, "mips64el")
        ins = lst.range(0x10001800, 12)
        self.assertEqual([i.mnem for i in kcb_mca.hot_block("mips64el", ins)], ["lui", "ld"])
        self.assertEqual(kcb_mca.path_insns("mips64el", ins), 3)
        self.assertEqual(kcb_mca.to_llvm("mips64el", ins[2]), "ld $v0,-11928($v0)")

    def test_pcrel_operand_becomes_label(self):
        ins = insns(ARM64_SITE, "arm64")
        self.assertEqual(kcb_mca.to_llvm("arm64", ins[0]), "adrp x0, kcb_sym")
        self.assertEqual(kcb_mca.to_llvm("arm64", ins[1]), "add x0, x0, #0x40")

    def test_parse_regions(self):
        r = kcb_mca.parse_output(MCA_OUT)
        self.assertEqual(r["site.sheaves.pointer"], dict(iterations=100, total_cycles=207, rthroughput=0.5))
        self.assertEqual(r["site.sheaves.static"]["total_cycles"], 104)


@unittest.skipUnless(os.path.exists(kcb_mca.LLVM_MCA), "llvm-mca-16 not installed")
class RealMca(unittest.TestCase):
    def paths(self, text, arch, fn):
        return [dict(model="sheaves", fn=fn, variant="pointer", insns=insns(text, arch))]

    def test_x86_numbers_for_every_cpu(self):
        recs = kcb_mca.estimate("x86_64", ARCHES["x86_64"], self.paths(X86_CALLSITE, "x86_64", "callsite"))
        self.assertEqual([r["cpu"] for r in recs], list(ARCHES["x86_64"].mca_cpus))
        for r in recs:
            self.assertNotIn("status", r)
            self.assertEqual(r["unit"], f"mca-cycles({r['cpu']})")
            self.assertGreater(r["throughput_cycles"], 0)
            self.assertGreaterEqual(r["latency_cycles"], 1)
            self.assertEqual(r["insns"], 7)

    def test_unknown_cpu_is_no_model_not_dropped(self):
        info = ARCHES["arm64"]._replace(mca_cpus=("cortex-a55", "no-such-cpu"))
        recs = kcb_mca.estimate("arm64", info, self.paths(ARM64_SITE, "arm64", "site"))
        self.assertEqual(len(recs), 2)
        self.assertNotIn("status", recs[0])
        self.assertEqual(recs[1]["status"], "no model")
        self.assertIn("no-such-cpu", recs[1]["reason"])

    def test_instruction_without_sched_data_is_no_model_for_its_block_only(self):
        text = """
0000000000011000 <kcb_site__sheaves__runtime_const_zbkb>:
   11000:\tlui\ta0,0x89abd
   11004:\tpack\ta0,a0,a5
   11008:\tc.jr\tra
"""
        lst = Listing(text, "riscv64")
        paths = [dict(model="sheaves", fn="site", variant="runtime_const_zbkb", insns=lst.range(0x11000, 10)),
                 dict(model="sheaves", fn="site", variant="static",
                      insns=insns(ARM64_SITE.replace("adrp\tx0, 4b0000 <kcb_static_sheaves_0+0x100>",
                                                     "auipc\ta0,0x1b7").replace("add\tx0, x0, #0x40",
                                                                                "addi\ta0,a0,-808")
                                  .replace("ret", "c.jr\tra"), "riscv64"))]
        recs = kcb_mca.estimate("riscv64", ARCHES["riscv64"], paths)
        by = {(r["cpu"], r["variant"]): r for r in recs}
        for cpu in ("rocket-rv64", "sifive-u74"):
            self.assertEqual(by[(cpu, "runtime_const_zbkb")]["status"], "no model")
            self.assertIn("pack", by[(cpu, "runtime_const_zbkb")]["reason"])
            self.assertIn("latency_cycles", by[(cpu, "static")])


if __name__ == "__main__":
    unittest.main()
