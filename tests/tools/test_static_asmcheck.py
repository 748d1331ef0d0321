"""tools/asmcheck: the generated FileCheck patterns accept the listing they
came from, reject a changed sequence (doctored listing), and keep what
matters (mnemonics, registers, symbols) while abstracting addresses."""
import os
import subprocess
import tempfile
import unittest

try:
    from . import kcb_tools_testutil as U  # noqa: F401  (puts tools/ on path)
except ImportError:
    import kcb_tools_testutil as U  # noqa: F401

from kcbench.asmcheck import check, gen, listing

REPO = U.REPO

LISTING = """
Disassembly of section .text:

0000000000401a60 <kcb_site__sheaves__runtime_const>:
  401a60:\tmovabs $0x123456789abcdef0,%rax
  401a6a:\tret

0000000000401a70 <kcb_site__sheaves__pointer>:
  401a70:\tmov    0x2c5a9(%rip),%rax        # 42e020 <kcb_cachep_sheaves_0>
  401a77:\tret

0000000000401a80 <kcb_site__sheaves__static>:
  401a80:\tmov    $0x42f000,%eax
  401a85:\tret

0000000000401b00 <kcb_callsite__sheaves__static>:
  401b00:\tsub    $0x8,%rsp
  401b04:\tmov    $0xcc0,%esi
  401b09:\tmov    $0x42f000,%edi
  401b0e:\tcall   402000 <kcb_sheaves_alloc>
  401b13:\tadd    $0x8,%rsp
  401b17:\tret

0000000000401c00 <kcb_unrelated>:
  401c00:\tret
"""
CHECKER = ["/usr/bin/python3", os.path.join(REPO, "tools", "asmcheck", "run_check.py")]


@unittest.skipUnless(os.path.exists(check.FILECHECK), "FileCheck (llvm-16) not installed")
class AsmCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kcb-asm-test-")
        self.check = os.path.join(self.tmp, "x86_64.check")
        with open(self.check, "w") as f:
            f.write(gen.generate("x86_64", listing.reduce_listing(LISTING)))

    def run_on(self, listing, *extra):
        path = os.path.join(self.tmp, "listing.txt")
        with open(path, "w") as f:
            f.write(listing)
        return subprocess.run(CHECKER + ["--arch", "x86_64", "--listing", path,
                               "--check", self.check] + list(extra), capture_output=True, text=True)

    def test_clean_listing_passes_even_when_relinked(self):
        self.assertEqual(self.run_on(LISTING).returncode, 0)
        moved = LISTING.replace("0x2c5a9(%rip)", "0x1000(%rip)").replace("42e020", "500000")
        self.assertEqual(self.run_on(moved).returncode, 0)

    def test_changed_sequences_fail(self):
        for old, new in (("movabs $0x123456789abcdef0,%rax", "mov $0x12345678,%eax"),
                         ("mov    0x2c5a9(%rip),%rax", "lea    0x2c5a9(%rip),%rax"),
                         ("mov    $0x42f000,%eax", "movabs $0x42f000,%rax"),
                         ("<kcb_cachep_sheaves_0>", "<kcb_cachep_sheaves_1>"),
                         ("  401b13:\tadd    $0x8,%rsp\n", "")):
            with self.subTest(new=new):
                r = self.run_on(LISTING.replace(old, new, 1))
                self.assertNotEqual(r.returncode, 0, r.stderr)

    def test_doctored_mode(self):
        r = self.run_on(LISTING, "--doctored")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("rejected", r.stderr)
        # a check that is already broken cannot prove anything: doctored mode fails
        with open(self.check, "a") as f:
            f.write("CHECK-NEXT: {{^}}no such line{{$}}\n")
        self.assertNotEqual(self.run_on(LISTING, "--doctored").returncode, 0)

    def test_patterns_keep_registers_and_symbols(self):
        p = gen.pattern("x86_64", "mov 0x2c5a9(%rip),%rax # 42e020 <kcb_cachep_sheaves_0>")
        self.assertIn("(%rip),%rax", p)
        self.assertIn("<kcb_cachep_sheaves_0>", p)
        self.assertNotIn("2c5a9", p)
        self.assertEqual(gen.pattern("arm64", "movk x0, #0x89ab, lsl #16"),
                         "movk x0, #{{-?(0x)?[0-9a-f]+}}, lsl #16")
        self.assertEqual(gen.pattern("riscv64", "addiw a5,a5,1383"),
                         "addiw a5,a5,{{-?(0x)?[0-9a-f]+}}")

    def test_only_checked_symbols_in_name_order(self):
        blocks = listing.reduce_listing(LISTING)
        self.assertNotIn("kcb_unrelated", blocks)
        text = listing.render(blocks)
        self.assertTrue(text.startswith("kcb_callsite__sheaves__static:\nsub $0x8,%rsp\n"))


if __name__ == "__main__":
    unittest.main()
