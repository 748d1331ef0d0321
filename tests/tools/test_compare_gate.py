"""tools/compare: exit 0 on an unchanged tree, non-zero with old/new/delta
rows when the baseline is doctored, statistical gating of measured timings,
tolerance, --update, and one-line errors for bad baselines."""
import glob
import os
import random
import shutil
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U


def _bump_site(doc, arch_variant="runtime_const", by=1):
    for s in doc["sites"]:
        if s["variant"] == arch_variant and s["model"] == "sheaves":
            s["bytes"] += by


class CompareGate(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        self.rundir = self.s.copy("run1")
        self.base = self.s.mkdir("baseline")
        p = U.tool("tools/compare", "--update", self.rundir, self.base,
                   "--with-measured")
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.s.cleanup()

    def test_update_wrote_every_static_file(self):
        names = sorted(os.path.basename(p) for p in
                       glob.glob(os.path.join(self.base, "*.json")))
        self.assertIn("arm64-static.json", names)
        self.assertIn("x86_64-fixture-x86.json", names)
        self.assertNotIn("skipped.json", names)

    def test_unchanged_passes(self):
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("OK, no regression", p.stdout)
        self.assertIn("bytes exact", p.stdout)  # the tolerance is stated

    def test_doctored_baseline_one_byte_fails_with_table(self):
        U.edit_json(os.path.join(self.base, "arm64-static.json"),
                    lambda d: _bump_site(d, by=1))
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        lines = p.stdout.splitlines()
        hdr = next(i for i, x in enumerate(lines) if x.startswith("arch "))
        for col in ("old", "new", "delta"):
            self.assertIn(col, lines[hdr])
        rows = [x for x in lines[hdr + 2:] if x.startswith("arm64")]
        self.assertEqual(len(rows), 1, p.stdout)
        self.assertRegex(rows[0], r"arm64\s+site sheaves runtime_const\s+"
                                  r"bytes\s+17\s+16\s+-1\s+shrank")
        self.assertIn("tools/compare --update", p.stdout)

    def test_grown_call_site_in_run_fails(self):
        U.edit_json(os.path.join(self.rundir, "riscv64-static.json"),
                    lambda d: _bump_site(d, "static", 2))
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stdout, r"riscv64\s+site sheaves static\s+bytes"
                                   r"\s+8\s+10\s+\+2\s+grew")

    def test_tolerance_and_allow_improvement(self):
        U.edit_json(os.path.join(self.base, "arm64-static.json"),
                    lambda d: _bump_site(d, by=1))
        p = U.tool("tools/compare", self.rundir, self.base, "--tol-bytes",
                   "1")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("bytes +-1", p.stdout)
        p = U.tool("tools/compare", self.rundir, self.base,
                   "--allow-improvement")
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_qemu_count_change_fails(self):
        def f(d):
            d["qemu"]["records"][0]["insns_per_op"] += 1
        U.edit_json(os.path.join(self.rundir, "ppc64le-static.json"), f)
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 1)
        self.assertIn("insns-per-op", p.stdout)

    def test_missing_symbol_fails(self):
        U.edit_json(os.path.join(self.rundir, "x86_64-static.json"),
                    lambda d: d["symbols"].pop(0))
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 1)
        self.assertIn("missing", p.stdout)

    def test_measured_regression_mann_whitney(self):
        def slower(d):
            for r in d["records"]:
                if r["scenario"] == "latency" and r["variant"] == "static" \
                        and r["model"] == "sheaves":
                    m = r["metrics"]["calibrated-cycles"]
                    m["samples"] = [x * 1.5 for x in m["samples"]]
                    for k in ("min", "median", "ci95_lo", "ci95_hi"):
                        m[k] *= 1.5
        U.edit_json(os.path.join(self.rundir, "x86_64-fixture-x86.json"),
                    slower)
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertRegex(p.stdout, r"fixture-x86 sheaves latency static\s+"
                                   r"calibrated-cycles.*Mann-Whitney U p=")

    def test_measured_noise_passes(self):
        rng = random.Random(7)

        def jitter(d):
            for r in d["records"]:
                m = r["metrics"]["calibrated-cycles"]
                m["samples"] = [x + rng.gauss(0, 0.05) for x in m["samples"]]
        U.edit_json(os.path.join(self.rundir, "x86_64-fixture-x86.json"),
                    jitter)
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_different_arch_set_is_an_error(self):
        os.unlink(os.path.join(self.base, "ppc64le-static.json"))
        p = U.tool("tools/compare", self.rundir, self.base)
        U.assert_one_line_error(self, p, "different arch set", "ppc64le")
        self.assertEqual(p.returncode, 2)
        # ... unless the comparison is restricted on purpose
        p = U.tool("tools/compare", self.rundir, self.base, "--arches",
                   "x86_64,arm64")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_bad_baselines(self):
        empty = self.s.mkdir("emptybase")
        U.assert_one_line_error(self, U.tool("tools/compare", self.rundir,
                                             empty), "holds no JSON")
        with open(os.path.join(self.base, "arm64-static.json"), "a") as f:
            f.write("}}")
        U.assert_one_line_error(self, U.tool("tools/compare", self.rundir,
                                             self.base),
                                "arm64-static.json", "malformed")
        U.assert_one_line_error(self, U.tool("tools/compare", self.rundir,
                                             "/nonexistent"), "no baseline")

    def test_baseline_without_static_files(self):
        for p in glob.glob(os.path.join(self.base, "*-static.json")):
            os.unlink(p)
        U.assert_one_line_error(self, U.tool("tools/compare", self.rundir,
                                             self.base), "no static results")

    def test_readme_in_baseline_is_ignored(self):
        with open(os.path.join(self.base, "README.md"), "w") as f:
            f.write("# baseline\n")
        p = U.tool("tools/compare", self.rundir, self.base)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_update_removes_stale_arch(self):
        extra = os.path.join(self.base, "s390x-static.json")
        shutil.copy(os.path.join(self.base, "arm64-static.json"), extra)
        U.edit_json(extra, lambda d: d["context"].update(arch="s390x"))
        p = U.tool("tools/compare", "--update", self.rundir, self.base)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(extra))
        self.assertIn("removed stale", p.stdout)


if __name__ == "__main__":
    unittest.main()
