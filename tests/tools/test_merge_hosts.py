"""tools/report merge: two hosts' results give one report with each host's
numbers in its own column and each host's context; static metrics are
deduplicated and a disagreement between two static files is flagged."""
import os
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U


class MergeHosts(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        self.rundir = self.s.copy("run1")
        self.lab = self.s.copy("lab-arm64")  # fabricated second host
        self.out = os.path.join(self.s.dir, "merged")

    def tearDown(self):
        self.s.cleanup()

    def merge(self, *inputs):
        p = U.tool("tools/report", "merge", *inputs, "-o", self.out)
        with open(os.path.join(self.out, "report.txt")) as f:
            txt = f.read()
        with open(os.path.join(self.out, "report.md")) as f:
            md = f.read()
        return p, txt, md

    def test_two_hosts_two_columns_two_contexts(self):
        p, txt, md = self.merge(self.rundir, self.lab)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(md, r"\| scenario variant \| fixture-x86 \| "
                             r"fixture-arm64-board \|")
        self.assertRegex(txt, r"scenario variant\s+fixture-x86\s+"
                              r"fixture-arm64-board")
        self.assertIn("Measured arm64 on fixture-x86", txt)
        self.assertIn("Measured arm64 on fixture-arm64-board", txt)
        self.assertIn("Fixture Neoverse-N1", txt)
        self.assertIn("Fixture CPU @ 2.5GHz", txt)
        self.assertIn("run.sh --quick", txt)  # the lab host's command
        for line in txt.splitlines():
            self.assertLessEqual(len(line), 72, line)
        self.assertIn("tools/report merge", txt)

    def test_hosts_are_never_averaged(self):
        _, _, md = self.merge(self.rundir, self.lab)
        row = next(x for x in md.splitlines()
                   if x.startswith("| latency pointer |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        # the QEMU host and the board keep their own medians
        self.assertEqual(len(cells), 3)
        self.assertNotEqual(cells[1].split()[0], cells[2].split()[0])

    def test_native_board_headline(self):
        _, _, md = self.merge(self.rundir, self.lab)
        self.assertIn("Measured on fixture-arm64-board [pmu-cycles/op", md)

    def test_single_json_inputs(self):
        p, txt, _ = self.merge(
            os.path.join(self.rundir, "arm64-static.json"),
            os.path.join(self.lab, "arm64-fixture-arm64-board.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("fixture-arm64-board", txt)

    def test_same_input_twice_is_deduplicated(self):
        p, txt, md = self.merge(self.lab, self.lab, self.rundir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("#2", md)
        self.assertEqual(p.stderr, "")

    def test_static_disagreement_is_flagged(self):
        other = self.s.mkdir("other-static")
        src = os.path.join(self.rundir, "arm64-static.json")
        dst = os.path.join(other, "arm64-static.json")
        with open(src) as f, open(dst, "w") as g:
            g.write(f.read())
        U.edit_json(dst, lambda d: d["sites"][0].update(bytes=99))
        p, txt, md = self.merge(self.rundir, other)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("static metrics for arm64 disagree", p.stderr)
        self.assertIn("WARNING: static metrics for arm64 disagree", md)

    def test_plots_for_merged_hosts(self):
        pd = os.path.join(self.out, "plots")
        p = U.tool("plots/plot_all.py", self.rundir, self.lab, "-o", pd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.isfile(os.path.join(
            pd, "measured-arm64-fixture-arm64-board.png")))

    def test_merge_errors(self):
        U.assert_one_line_error(self, U.tool("tools/report", "merge",
                                             self.rundir), "usage")
        empty = self.s.mkdir("empty")
        U.assert_one_line_error(self, U.tool("tools/report", "merge", empty,
                                             "-o", self.out),
                                "no results JSON")


if __name__ == "__main__":
    unittest.main()
