"""Bad input to tools/report and plots/plot_all.py: one clear line on
stderr, a non-zero exit, no traceback and no half-written report."""
import json
import os
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U


class ReportErrors(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        self.rundir = self.s.copy("run1")
        self.arm = os.path.join(self.rundir, "arm64-static.json")

    def tearDown(self):
        self.s.cleanup()

    def check(self, *needles):
        p = U.tool("tools/report", self.rundir)
        U.assert_one_line_error(self, p, *needles)
        self.assertFalse(os.path.exists(os.path.join(self.rundir,
                                                     "report.md")))
        self.assertFalse(os.path.exists(os.path.join(self.rundir,
                                                     "report.txt")))
        return p

    def test_truncated_json(self):
        with open(self.arm) as f:
            text = f.read()
        with open(self.arm, "w") as f:
            f.write(text[:len(text) // 2])
        self.check("arm64-static.json", "truncated")

    def test_malformed_json(self):
        with open(self.arm, "w") as f:
            f.write("{'schema_version': 1,}")
        self.check("arm64-static.json", "malformed")

    def test_empty_file(self):
        open(self.arm, "w").close()
        self.check("arm64-static.json", "empty file")

    def test_wrong_schema_version(self):
        U.edit_json(self.arm, lambda d: d.update(schema_version=2))
        self.check("arm64-static.json", "schema_version 2")

    def test_wrong_kind(self):
        U.edit_json(self.arm, lambda d: d.update(kind="gbench"))
        self.check("kind 'gbench'")

    def test_missing_field(self):
        U.edit_json(self.arm, lambda d: d["sites"][0].pop("bytes"))
        self.check("sites[0].bytes")

    def test_measured_primary_not_in_metrics(self):
        p = os.path.join(self.rundir, "x86_64-fixture-x86.json")
        U.edit_json(p, lambda d: d["records"][3].update(primary="pmu-cycles"))
        self.check("records[3]", "pmu-cycles")

    def test_not_an_object(self):
        with open(self.arm, "w") as f:
            json.dump([1, 2, 3], f)
        self.check("top level is not an object")

    def test_bad_skipped_file(self):
        with open(os.path.join(self.rundir, "skipped.json"), "w") as f:
            json.dump({"skipped": [{"arch": "s390x"}]}, f)
        self.check("skipped.json", "reason")

    def test_empty_results_folder(self):
        d = self.s.mkdir("empty")
        p = U.tool("tools/report", d)
        U.assert_one_line_error(self, p, "no results JSON")

    def test_only_skipped_json_is_still_empty(self):
        d = self.s.mkdir("onlyskip")
        with open(os.path.join(d, "skipped.json"), "w") as f:
            json.dump({"skipped": []}, f)
        U.assert_one_line_error(self, U.tool("tools/report", d),
                                "no results JSON")

    def test_missing_folder_and_usage(self):
        U.assert_one_line_error(self, U.tool("tools/report", "/nonexistent"),
                                "not a run folder")
        U.assert_one_line_error(self, U.tool("tools/report"), "usage")
        U.assert_one_line_error(self, U.tool("tools/report", "merge", "x"),
                                "usage")

    def test_plots_bad_input(self):
        U.edit_json(self.arm, lambda d: d.update(schema_version="1"))
        p = U.tool("plots/plot_all.py", self.rundir)
        U.assert_one_line_error(self, p, "schema_version")
        d = self.s.mkdir("empty2")
        U.assert_one_line_error(self, U.tool("plots/plot_all.py", d),
                                "no results JSON")


if __name__ == "__main__":
    unittest.main()
