"""kcbench.static.elf + kcbench.static.metrics.bloat: objdump parsing, the per-arch
call-site materialisation rules, and the bloat-o-meter rows, on listings
copied from real builds of kcb_count."""
import os
import unittest

try:
    from . import kcb_tools_testutil as U  # noqa: F401  (puts tools/ on path)
except ImportError:
    import kcb_tools_testutil as U  # noqa: F401

from kcbench.static import metrics as static_metrics
from kcbench.static.elf import Listing, default_note, materialisation, parse_symbol, sequence_name

HERE = os.path.dirname(os.path.abspath(__file__))

# (arch, listing of one kcb_site__ function, symbol size, bytes, insns, sequence)
SITES = [
    ("x86_64", """
0000000000401a60 <kcb_site__sheaves__runtime_const>:
  401a60:\tmovabs $0x123456789abcdef0,%rax
  401a6a:\tret
""", 11, 10, 1, "movabs"),
    ("x86_64", """
0000000000401a70 <kcb_site__sheaves__pointer>:
  401a70:\tmov    0x2c5a9(%rip),%rax        # 42e020 <kcb_cachep_sheaves_0>
  401a77:\tret
""", 8, 7, 1, "mov rip-rel"),
    ("arm64", """
0000000000401000 <kcb_site__sheaves__runtime_const>:
  401000:\tmovz\tx0, #0xcdef
  401004:\tmovk\tx0, #0x89ab, lsl #16
  401008:\tmovk\tx0, #0x4567, lsl #32
  40100c:\tmovk\tx0, #0x123, lsl #48
  401010:\tret
""", 20, 16, 4, "movz+movk+movk+movk"),
    ("riscv64", """
0000000000011ed2 <kcb_site__sheaves__runtime_const>:
   11ed2:\tlui\ta0,0x89abd
   11ed6:\tlui\ta5,0x1234
   11eda:\taddiw\ta0,a0,-529 # ffffffff89abcdef <__BSS_END__+0xffffffff898f29df>
   11ede:\taddiw\ta5,a5,1383 # 1234567 <__BSS_END__+0x106a157>
   11ee2:\tslli\ta5,a5,0x20
   11ee6:\tslli\ta0,a0,0x20
   11eea:\tsrli\ta0,a0,0x20
   11eee:\tadd\ta0,a0,a5
   11ef2:\tc.jr\tra
""", 34, 32, 8, "lui+lui+addiw+addiw+slli+slli+srli+add"),
    ("riscv64", """
0000000000011668 <kcb_site__sheaves__static>:
   11668:\tauipc\ta0,0x1b7
   1166c:\taddi\ta0,a0,-808 # 1c8340 <kcb_static_sheaves_0>
   11670:\tc.jr\tra
""", 10, 8, 2, "auipc+addi"),
    ("s390x", """
0000000001000df0 <kcb_site__cpu_slab__pointer>:
 1000df0:\tlgrl\t%r2,10090f0 <kcb_cachep_cpu_slab_0>
 1000df6:\tbr\t%r14
""", 8, 6, 1, "lgrl"),
    ("s390x", """
0000000001000e00 <kcb_site__cpu_slab__runtime_const>:
 1000e00:\tldgr\t%f0,%r11
 1000e04:\tlgr\t%r11,%r15
 1000e08:\tiihf\t%r2,19088743
 1000e0e:\tiilf\t%r2,2309737967
 1000e14:\tlgdr\t%r11,%f0
 1000e18:\tbr\t%r14
""", 26, 12, 2, "iihf+iilf"),
    ("ppc64le", """
00000000100016a0 <kcb_site__sheaves__pointer>:
    100016a0:\tlis     r2,4098
    100016a4:\taddi    r2,r2,32512
    100016a8:\tnop
    100016ac:\taddi    r9,r2,-32248
    100016b0:\tld      r3,0(r9)
    100016b4:\tblr
    100016b8:\t.long 0x0
    100016bc:\t.long 0x900
""", 32, 12, 3, "nop+addi+ld"),
    ("mips64el", """
0000000010001800 <kcb_site__sheaves__pointer>:
    10001800:\tlui\tv0,0x1002
    10001804:\tjr\tra
    10001808:\tld\tv0,-11928(v0)
""", 12, 8, 2, "lui+ld"),
    ("mips64el", """
0000000010003450 <kcb_site__sheaves__projected>:
    10003450:\tlui\tv0,0x123
    10003454:\tori\tv0,v0,0x4567
    10003458:\tdsll\tv0,v0,0x10
    1000345c:\tori\tv0,v0,0x89ab
    10003460:\tdsll\tv0,v0,0x10
    10003464:\tori\tv0,v0,0xcdef
    10003468:\tjr\tra
    1000346c:\tnop
""", 32, 24, 6, "lui+ori+dsll+ori+dsll+ori"),
    ("armhf", """
00010500 <kcb_site__sheaves__static>:
   10500:\tpush\t{r7}
   10502:\tmovw\tr0, #1234\t@ 0x4d2
   10506:\tmovt\tr0, #2
   1050a:\tadd\tr7, sp, #0
   1050c:\tmov\tsp, r7
   1050e:\tldr.w\tr7, [sp], #4
   10512:\tbx\tlr
""", 20, 8, 2, "movw+movt"),
]


def site(arch, text, size):
    lst = Listing(text, arch)
    start = lst.insns[0].addr
    return lst.range(start, size)


class Materialisation(unittest.TestCase):
    def test_per_arch_rules(self):
        for arch, text, size, nbytes, ninsns, seq in SITES:
            with self.subTest(arch=arch, seq=seq):
                mat = materialisation(arch, site(arch, text, size))
                self.assertEqual(sequence_name(arch, mat), seq)
                self.assertEqual(sum(i.size for i in mat), nbytes)
                self.assertEqual(len(mat), ninsns)

    def test_mips_useful_delay_slot_kept_nop_dropped(self):
        # the pointer site's load sits in the delay slot and must count ...
        mat = materialisation("mips64el", site("mips64el", SITES[8][1], 12))
        self.assertEqual([i.mnem for i in mat], ["lui", "ld"])
        # ... while a nop filler after jr ra does not
        mat = materialisation("mips64el", site("mips64el", SITES[9][1], 32))
        self.assertNotIn("nop", [i.mnem for i in mat])

    def test_hex_address_is_not_a_register(self):
        # 10090f0 contains "f0", the s390x register that saves %r11
        mat = materialisation("s390x", site("s390x", SITES[5][1], 8))
        self.assertEqual(len(mat), 1)

    def test_comments_and_symbol_refs_dropped(self):
        lst = Listing(SITES[3][1], "riscv64")
        self.assertEqual(lst.insns[2].text, "addiw a0,a0,-529")
        lst = Listing(SITES[10][1], "armhf")
        self.assertEqual(lst.insns[1].ops, "r0, #1234")

    def test_symbol_names_and_notes(self):
        self.assertEqual(parse_symbol("kcb_static_align__cpu_slab__static_a64"),
                         ("static_align", "cpu_slab", "static_a64", "distro"))
        self.assertEqual(parse_symbol("kcb_site__sheaves__runtime_const_zbkb"),
                         ("site", "sheaves", "runtime_const_zbkb", "distro"))
        self.assertEqual(parse_symbol("kcb_latency__cpu_slab__runtime_const_zba__minimal"),
                         ("latency", "cpu_slab", "runtime_const_zba", "minimal"))
        self.assertIsNone(parse_symbol("kcb_empty__void"))
        self.assertEqual(default_note("armhf", "runtime_const"), "asm-generic fallback: pointer load")
        self.assertEqual(default_note("arm64", "runtime_const"), "")
        self.assertEqual(default_note("i686", "projected"), "projected (no kernel support)")


class Bloat(unittest.TestCase):
    def sym(self, fn, variant, nbytes, model="sheaves"):
        return dict(symbol=f"kcb_{fn}__{model}__{variant}", fn=fn, model=model, variant=variant,
                    note="", bytes=nbytes, insns=nbytes // 4)

    def test_rows_sorted_by_delta_and_summary(self):
        syms = [self.sym("site", "pointer", 12), self.sym("callsite", "pointer", 60),
                self.sym("site", "runtime_const", 20), self.sym("callsite", "runtime_const", 52),
                self.sym("site", "static", 12), self.sym("callsite", "static", 60),
                self.sym("static_align", "static_a8", 64)]
        blocks = {b["variant"]: b for b in static_metrics.bloat(syms)}
        self.assertEqual(sorted(blocks), ["runtime_const", "static"])
        rc = blocks["runtime_const"]
        self.assertEqual([r["delta"] for r in rc["rows"]], [8, -8])
        self.assertEqual((rc["add"], rc["remove"], rc["grow"], rc["shrink"]), (0, 0, 1, 1))
        self.assertEqual((rc["up"], rc["down"], rc["net"]), (8, -8, 0))
        st = blocks["static"]
        self.assertEqual(st["add"], 1)  # static_align exists only for static
        self.assertEqual(st["rows"][0], dict(symbol="kcb_static_align__sheaves__static_a8",
                                             old=None, new=64, delta=64))
        text = static_metrics.format_bloat("arm64", static_metrics.bloat(syms), [], [])
        self.assertIn("add/remove: 0/0 grow/shrink: 1/1 up/down: 8/-8 (0)", text)


if __name__ == "__main__":
    unittest.main()
