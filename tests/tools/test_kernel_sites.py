# SPDX-License-Identifier: GPL-2.0
"""Fast tests of the real-kernel mode's call-site finder, bloat-o-meter
parser and report on a small x86-64 object compiled here the way the kernel
compiles (-mcmodel=kernel), with a hand-written runtime_ptr_ section."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from kcbench.kernel import report, sites  # noqa: E402

SNIPPET = r"""
struct kc;
struct kc_opaque { unsigned char b[712]; } __attribute__((aligned(8)));
void *alloc(struct kc *s, int gfp);
static struct kc *ptr_cachep;
static struct kc_opaque st_cachep_opaque;
static unsigned long counter_after;
static inline struct kc *rc_ptr(void)
{
	struct kc *r;
	asm("movabs $0x0123456789abcdef,%0\n1:\n"
	    ".pushsection runtime_ptr_ptr_cachep,\"a\"\n\t.long 1b - 8 - .\n.popsection" : "=r"(r));
	return r;
}
void *use_ptr(void) { return alloc(ptr_cachep, 1); }
void *use_static(void) { counter_after++; return alloc((struct kc *)&st_cachep_opaque, 2); }
void *use_rc(void) { return alloc(rc_ptr(), 3); }
void set(struct kc *p) { ptr_cachep = p; }
"""


class Sites(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="kcb-kernel-")
        src = os.path.join(cls.dir, "s.c")
        cls.obj = os.path.join(cls.dir, "s.o")
        with open(src, "w") as f:
            f.write(SNIPPET)
        r = subprocess.run(["gcc", "-O2", "-c", "-mcmodel=kernel", "-fno-pie", "-o", cls.obj, src],
                           capture_output=True, text=True)
        if r.returncode:
            raise unittest.SkipTest(f"skip: gcc cannot build the snippet: {r.stderr[-200:]}")

    def find(self, names):
        res, _ = sites.find_sites("x86_64", self.obj, "objdump", names)
        return res

    def test_pointer_load(self):
        got = self.find({"c": ["ptr_cachep"]})["c"]
        fns = sorted(s["function"] for s in got)
        # use_ptr loads it, use_rc is its runtime_ptr_ entry; set() stores
        # it, which passes no cache anywhere
        self.assertEqual(fns, ["use_ptr", "use_rc"])
        load = next(s for s in got if s["function"] == "use_ptr")
        self.assertEqual(sites.sequence(load), "mov rip-rel")
        self.assertEqual((load["bytes"], load["insns"]), (7, 1))

    def test_static_address_not_its_neighbour(self):
        got = self.find({"c": ["st_cachep_opaque"]})["c"]
        self.assertEqual([s["function"] for s in got], ["use_static"])
        self.assertEqual(sites.sequence(got[0]), "mov $imm")
        self.assertEqual(got[0]["bytes"], 7)

    def test_runtime_const_entry(self):
        got = [s for s in self.find({"c": ["ptr_cachep"]})["c"] if s["function"] == "use_rc"]
        self.assertEqual(len(got), 1)
        self.assertEqual(sites.sequence(got[0]), "movabs")
        self.assertEqual(got[0]["bytes"], 10)


# lockdep's struct lock_class_key is empty with LOCKDEP=n: a __key then
# shares its address with the next static, and the assembler writes both
# relocations as .bss+offset (fs/ufs/super.o's mutex_init() keys)
ZERO_SIZE = r"""
struct kc;
struct lk { };
struct kc_opaque { unsigned char b[712]; } __attribute__((aligned(8)));
void *alloc(struct kc *s, int gfp);
void lock_init(void *obj, const char *name, struct lk *key);
static struct lk key_a;
static struct kc *ptr_cachep;
static struct lk key_b __attribute__((aligned(32)));
static struct kc_opaque st_cachep_opaque;
void *use_ptr(void) { return alloc(ptr_cachep, 1); }
void *use_static(void) { return alloc((struct kc *)&st_cachep_opaque, 2); }
void init_a(void *o) { lock_init(o, "a", &key_a); }
void init_b(void *o) { lock_init(o, "b", &key_b); }
void set(struct kc *p) { ptr_cachep = p; }
"""


class ZeroSizeNeighbour(unittest.TestCase):
    """A relocation to an address a zero-size object shares is a site only
    when the instruction does what the variant's site does: loads the
    pointer, or forms an address that reaches a call's first argument."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="kcb-kernel-")
        src = os.path.join(cls.dir, "z.c")
        cls.obj = os.path.join(cls.dir, "z.o")
        with open(src, "w") as f:
            f.write(ZERO_SIZE)
        r = subprocess.run(["gcc", "-O2", "-c", "-mcmodel=kernel", "-fno-pie", "-fno-toplevel-reorder",
                            "-o", cls.obj, src], capture_output=True, text=True)
        if r.returncode:
            raise unittest.SkipTest(f"skip: gcc cannot build the snippet: {r.stderr[-200:]}")
        from elftools.elf.elffile import ELFFile
        with open(cls.obj, "rb") as f:
            syms = {s.name: s["st_value"] for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()}
        if syms["key_a"] != syms["ptr_cachep"] or syms["key_b"] != syms["st_cachep_opaque"]:
            raise unittest.SkipTest("skip: this gcc did not place the keys at the variables' addresses")

    def find(self, names):
        res, _ = sites.find_sites("x86_64", self.obj, "objdump", names)
        return sorted(s["function"] for s in res["c"])

    def test_key_is_not_the_pointer(self):
        # init_a's 'mov $0x0,%rdx' (R_X86_64_32S .bss) is &key_a, not a load
        self.assertEqual(self.find({"c": ["ptr_cachep"]}), ["use_ptr"])

    def test_key_is_not_the_instance(self):
        # init_b's address goes to lock_init's third argument
        self.assertEqual(self.find({"c": ["st_cachep_opaque"]}), ["use_static"])

    def test_flow_to_first_argument(self):
        ins = [sites.Insn(0, 7, "mov", "$0x0,%rbx", "f"), sites.Insn(7, 3, "mov", "%rbx,%rdi", "f")]
        self.assertTrue(sites.flows_to_arg0("x86_64", ins, 0))
        ins[1] = sites.Insn(7, 3, "mov", "%rbx,%rdx", "f")
        self.assertFalse(sites.flows_to_arg0("x86_64", ins, 0))
        arm = [sites.Insn(0, 4, "add", "x21, x21, #0x0", "f"), sites.Insn(4, 4, "mov", "x0, x21", "f")]
        self.assertTrue(sites.flows_to_arg0("arm64", arm, 0))


class Report(unittest.TestCase):
    def test_text_fits_72_columns(self):
        ok = dict(status="ok", sites=2, bytes=14, insns=2, sequences={"mov rip-rel": 2},
                  mca_cycles_median=1.0,
                  list=[dict(sequence="mov rip-rel", bytes=7, insns=1)] * 2)
        doc = dict(context=dict(tree="t", version="6.12.0", objects=["fs/a.o"], options={"SLUB": "y"}),
                   arches={"x86_64": dict(status="ok", config={}, runtime_const="supported",
                                          mca_cpu="skylake",
                                          model=dict(sites={"pointer": dict(bytes=7, insns=1,
                                                                            sequence="mov rip-rel")}),
                                          caches={"a_very_long_cache_name_indeed": dict(pointer=ok)},
                                          bloat={}, module={})})
        md, txt = report.render(doc)
        self.assertTrue(all(len(line) <= 72 for line in txt.splitlines()), txt)
        self.assertIn("2x 7B 1i", txt)
        self.assertIn("agrees with the model", txt)


if __name__ == "__main__":
    unittest.main()


ANCHORED = r"""
struct kc;
struct kc_opaque { unsigned char b[712]; } __attribute__((aligned(8)));
void *alloc(struct kc *s, int gfp);
static struct kc *a_cachep, *b_cachep;
static struct kc_opaque st_opaque, other_opaque;
void *two(void) { alloc(a_cachep, 1); return alloc(b_cachep, 2); }
void *addr(void) { alloc((struct kc *)&other_opaque, 1); return alloc((struct kc *)&st_opaque, 2); }
void set(struct kc *p, struct kc *q) { a_cachep = p; b_cachep = q; }
"""


class AnchoredArm64(unittest.TestCase):
    """GCC's section anchors on arm64: one adrp+add for the file's statics,
    the cache at an offset from it."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="kcb-kernel-a64-")
        src = os.path.join(cls.dir, "a.c")
        cls.obj = os.path.join(cls.dir, "a.o")
        with open(src, "w") as f:
            f.write(ANCHORED)
        try:
            r = subprocess.run(["aarch64-linux-gnu-gcc", "-O2", "-fsection-anchors", "-c", "-o", cls.obj, src],
                               capture_output=True, text=True)
        except FileNotFoundError:
            raise unittest.SkipTest("skip: no aarch64-linux-gnu-gcc (gcc-aarch64-linux-gnu)")
        if r.returncode:
            raise unittest.SkipTest(f"skip: cannot build the snippet: {r.stderr[-200:]}")

    def find(self, names):
        res, _ = sites.find_sites("arm64", self.obj, "aarch64-linux-gnu-objdump", names)
        return res

    def test_each_pointer_load_found_once(self):
        got = self.find({"a": ["a_cachep"], "b": ["b_cachep"]})
        self.assertEqual([s["function"] for s in got["a"]], ["two"])
        self.assertEqual([s["function"] for s in got["b"]], ["two"])
        for s in got["a"] + got["b"]:
            self.assertTrue(s["listing"][-1].startswith("ldr"), s)
        # the address-forming instructions count once between the two sites
        total = sum(s["insns"] for s in got["a"] + got["b"])
        self.assertLessEqual(total, 5)

    def test_instance_address_not_its_neighbour(self):
        got = self.find({"st": ["st_opaque"]})["st"]
        self.assertEqual([s["function"] for s in got], ["addr"])
        self.assertTrue(got[0]["listing"][-1].startswith(("add", "adrp")), got)
