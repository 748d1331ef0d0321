# SPDX-License-Identifier: GPL-2.0
"""gcc and clang in one report: a clang static file (context.compiler
"clang ...") is shown next to gcc's in a side-by-side table instead of being
flagged as a disagreeing copy, and a clang measured file gets its own
column, labelled with the compiler."""
import os
import shutil
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U


class ReportCompilers(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        self.addCleanup(self.s.cleanup)
        self.run_dir = self.s.copy("run1")
        gcc = os.path.join(self.run_dir, "x86_64-static.json")
        clang = os.path.join(self.run_dir, "x86_64-clang-static.json")
        shutil.copy(gcc, clang)
        U.edit_json(gcc, lambda d: d["context"].update(compiler="gcc 12.2.0"))

        def to_clang(d):
            d["context"]["compiler"] = "clang 16.0.6"
            for r in d["symbols"]:
                if r.get("fn") == "callsite" and r["model"] == "sheaves" and r["variant"] == "static":
                    r["bytes"], r["insns"] = 37, 11
        U.edit_json(clang, to_clang)
        meas = os.path.join(self.run_dir, "x86_64-fixture-x86.json")
        meas_clang = os.path.join(self.run_dir, "x86_64-clang-fixture-x86.json")
        shutil.copy(meas, meas_clang)
        U.edit_json(meas_clang, lambda d: d["context"].update(compiler="clang 16.0.6"))

    def test_side_by_side(self):
        p = U.tool("tools/report", self.run_dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("disagree", p.stderr)
        with open(os.path.join(self.run_dir, "report.md")) as f:
            md = f.read()
        self.assertIn("**gcc and clang side by side", md)
        self.assertRegex(md, r"\| model variant \| site gcc \| site clang \| sym gcc \| sym clang \|")
        self.assertRegex(md, r"\| sheaves static \| 5/1/0 \| 5/1/0 \| 50/12 \| 37/11 \|")
        self.assertIn("compilers: gcc 12.2.0; clang 16.0.6", md)
        # the measured clang run: its own column next to gcc's, same host
        self.assertRegex(md, r"\| scenario variant \| fixture-x86 \| fixture-x86 clang \|")

    def test_gcc_alone_has_no_table(self):
        os.remove(os.path.join(self.run_dir, "x86_64-clang-static.json"))
        p = U.tool("tools/report", self.run_dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.run_dir, "report.md")) as f:
            self.assertNotIn("side by side", f.read())


if __name__ == "__main__":
    unittest.main()
