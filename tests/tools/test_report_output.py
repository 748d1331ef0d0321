"""tools/report on a fabricated run: the files, the 72-column limit, the
headline facts, labels, skipped rows and the regenerate command."""
import os
import re
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U


class ReportOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = U.Scratch()
        cls.rundir = cls.s.copy("run1")
        cls.proc = U.tool("tools/report", cls.rundir, "--headline")
        with open(os.path.join(cls.rundir, "report.txt")) as f:
            cls.txt = f.read()
        with open(os.path.join(cls.rundir, "report.md")) as f:
            cls.raw_md = f.read()
        # the Markdown escapes _ * < > so GitHub shows symbol names as is
        cls.md = cls.raw_md
        for a, b in (("\\_", "_"), ("\\*", "*"), ("&lt;", "<"),
                     ("&gt;", ">")):
            cls.md = cls.md.replace(a, b)

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def test_exit_and_files(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(self.proc.stderr, "")
        self.assertIn("report.md", self.proc.stdout)

    def test_txt_at_most_72_columns_and_ascii(self):
        for i, line in enumerate(self.txt.splitlines(), 1):
            self.assertLessEqual(len(line), 72, f"line {i}: {line!r}")
        self.txt.encode("ascii")  # mail-safe

    def test_headline_facts_from_the_data(self):
        # arm64 fixture: pointer adrp+ldr, static adrp+add, rc movz+3 movk
        self.assertRegex(self.md, r"arm64: Call site \[objdump\]: static vs "
                                  r"pointer: -1 dependent load, ±0 B")
        self.assertIn("runtime_const vs static: ±0 dependent loads, +8 B, "
                      "+2 insns", self.md)
        # x86-64: movabs (10 B) vs mov $imm32 (5 B)
        self.assertIn("runtime_const vs static: ±0 dependent loads, +5 B",
                      self.md)
        # measured verdict from the samples, with its test named
        self.assertIn("So on fixture-x86: runtime_const is equivalent to a "
                      "static address", self.md)
        self.assertRegex(self.md, r"pointer - static = \+4\.\d+ \(slower, "
                                  r"p<0\.001\)")
        self.assertIn("Mann-Whitney U", self.md)
        # the headline also goes to stdout for run_all.sh
        self.assertIn("Headline", self.proc.stdout)
        self.assertIn("- arm64:", self.proc.stdout)

    def test_qemu_timing_is_never_cycles(self):
        self.assertIn("emulated-ns (emulated, not cycles)", self.md)
        self.assertIn("the timings ran under QEMU (emulated, not cycles)",
                      self.md)
        for line in self.md.splitlines():
            if "QEMU" in line and "Measured on" in line:
                self.assertNotIn("cycles per op", line.replace(
                    "not cycles", ""))

    def test_labels_for_fallback_and_projected(self):
        sec = self.txt[self.txt.index("ppc64le (powerpc64le"):]
        self.assertIn("runtime_const [1]", sec)
        self.assertIn("[1] asm-generic fallback: pointer load", sec)
        self.assertIn("[2] projected (no kernel support)", sec)

    def test_skipped_rows(self):
        self.assertIn("s390x: skipped: qemu-s390x not installed", self.md)
        self.assertRegex(self.txt, r"s390x\s+skipped: qemu-s390x not "
                                   r"installed")
        self.assertIn("Measured timing: skipped: no measured results",
                      self.txt)
        self.assertIn("QEMU executed instructions per op: skipped: native "
                      "arch", self.txt)
        self.assertIn("llvm-mca pwr10: no model", self.txt)

    def test_markdown_escapes_symbol_names(self):
        self.assertIn("kcb\\_site\\_\\_\\*", self.raw_md)
        self.assertNotIn("<fn>", self.raw_md)

    def test_tables_and_sources(self):
        self.assertIn("| variant | bytes | insns | loads | sequence |",
                      self.md)
        self.assertIn("| pointer | 8 | 2 | 1 | adrp+ldr |", self.md)
        for src in ("objdump", "qemu-insns", "mca-cycles(<cpu>)",
                    "calibrated-cycles per op", "source rdtscp"):
            self.assertIn(src, self.md)
        # every table title names a unit or a source in brackets
        for title in re.findall(r"^\*\*(.+)\*\*$", self.raw_md, re.M):
            self.assertRegex(title, r"\[.+\]|each host", title)

    def test_context_and_regenerate_command(self):
        self.assertIn(f"tools/report {self.rundir}", self.txt.replace("\\\n  ",
                                                                   ""))
        self.assertIn("./run_all.sh", self.txt)
        for k in ("host:", "cpu_model:", "compiler:", "flags:",
                  "counter_source:", "qemu_version:", "pmu:"):
            self.assertIn(k, self.txt)

    def test_idempotent(self):
        again = U.tool("tools/report", self.rundir)
        self.assertEqual(again.returncode, 0)
        with open(os.path.join(self.rundir, "report.txt")) as f:
            self.assertEqual(f.read(), self.txt)


if __name__ == "__main__":
    unittest.main()
