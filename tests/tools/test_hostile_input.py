# SPDX-License-Identifier: GPL-2.0
"""The defects found when the tools were driven with hostile input (issue
16), one test per row of its table; the kcb_bench rows (2-5, 7) are ctest's
bench_exit_* and bench_arena_fits, row 3 is test_build_flags."""
import glob
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

from kcbench.io import EXIT_USAGE


def _stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class RunAllScratch:
    """run_all.sh copied into a scratch root (it works in its own folder),
    with tools/ linked: nothing it creates lands in the tree."""

    def __init__(self, s):
        self.root = s.mkdir("root")
        shutil.copy2(os.path.join(U.REPO, "run_all.sh"), self.root)
        os.symlink(os.path.join(U.REPO, "tools"), os.path.join(self.root, "tools"))

    def run(self, *args):
        return subprocess.run([os.path.join(self.root, "run_all.sh")] + list(args),
                              capture_output=True, text=True, timeout=120)


class Rows(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        self.rundir = self.s.copy("run1")

    def tearDown(self):
        self.s.cleanup()

    # row 1: "ci-*" sorts after every date stamp; the gate must pick the
    # run with the newest recorded time
    def test_row01_gate_picks_newest_run_by_recorded_time(self):
        ra = RunAllScratch(self.s)
        runs = os.path.join(ra.root, "results", "runs")
        base = os.path.join(ra.root, "results", "baseline")
        os.makedirs(base)
        for f in glob.glob(os.path.join(self.rundir, "*-static.json")):
            shutil.copy2(f, base)
        old = shutil.copytree(self.rundir, os.path.join(runs, "ci-20250101-000000"))
        for f in glob.glob(os.path.join(old, "*-fixture-*.json")):
            os.unlink(f)  # a test run holds static metrics only
        for f in glob.glob(os.path.join(old, "*.json")):
            os.utime(f, (time.time() - 86400, time.time() - 86400))
        new = shutil.copytree(self.rundir, os.path.join(runs, "20250102-000000"))
        for f in glob.glob(os.path.join(new, "*-fixture-*.json")):
            U.edit_json(f, lambda d: d["context"].update(date=_stamp(time.time())))
        # the newest run regressed: the gate must see it
        U.edit_json(os.path.join(new, "x86_64-static.json"),
                    lambda d: d["sites"][0].update(bytes=d["sites"][0]["bytes"] + 1))
        p = ra.run("gate", "--arch", "x86_64")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("newest run is", p.stdout)
        self.assertIn("20250102-000000", p.stdout)
        self.assertIn("FAIL", p.stdout)

    # row 6
    def test_row06_non_utf8_results_file(self):
        bad = os.path.join(self.rundir, "x86_64-fixture-x86.json")
        with open(bad, "rb") as f:
            data = f.read()
        with open(bad, "wb") as f:
            f.write(data[:100] + b"\xff\xfe\x80" + data[100:])
        for args in (("tools/report", self.rundir), ("tools/compare", self.rundir),
                     ("tools/report", "merge", bad, "-o", self.s.mkdir("out"))):
            p = U.tool(*args)
            U.assert_one_line_error(self, p, "not a results file", "not UTF-8")
            self.assertEqual(p.returncode, EXIT_USAGE, args)

    # row 8
    def test_row08_empty_arch_list(self):
        ra = RunAllScratch(self.s)
        for args in (("--arch", ""), ("--arch=,",), ("test", "--arch", " ")):
            p = ra.run(*args)
            U.assert_one_line_error(self, p, "--arch needs at least one arch")
            self.assertEqual(p.returncode, 2)
            self.assertFalse(os.path.exists(os.path.join(ra.root, "results")), args)
            self.assertFalse(os.path.exists(os.path.join(ra.root, "build")), args)

    # row 9
    def test_row09_interrupted_run_is_marked_incomplete(self):
        os.unlink(os.path.join(self.rundir, "skipped.json"))
        os.unlink(os.path.join(self.rundir, "arm64-static.json"))
        p = U.tool("tools/report", self.rundir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("INCOMPLETE RUN", p.stderr)
        with open(os.path.join(self.rundir, "report.txt")) as f:
            txt = f.read()
        self.assertIn("INCOMPLETE RUN", txt)
        self.assertIn("skipped.json", txt)
        self.assertIn("arm64-static.json", txt)

    def test_row09_finished_run_is_not_marked(self):
        p = U.tool("tools/report", self.rundir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("INCOMPLETE", p.stderr)

    # row 10: a signal while the temp file exists lands after the rename
    def test_row10_signal_during_write_leaves_no_temp_file(self):
        out = self.s.mkdir("sig")
        target = os.path.join(out, "report.txt")
        with open(target, "w") as f:
            f.write("old\n")
        child = textwrap.dedent(f"""
            import os, sys, time
            sys.path.insert(0, {os.path.join(U.REPO, 'tools')!r})
            from kcbench import io
            real = os.replace
            def slow_replace(a, b):
                print("writing", flush=True)  # the temp file exists now
                time.sleep(3)
                real(a, b)
            io.os.replace = slow_replace
            io.write_atomic({{{target!r}: "new\\n" * 1000}})
            """)
        for sig in (signal.SIGTERM, signal.SIGINT):
            p = subprocess.Popen([U.PY, "-c", child], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            self.assertEqual(p.stdout.readline().strip(), "writing")
            p.send_signal(sig)
            p.communicate(timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertEqual(os.listdir(out), ["report.txt"], sig)
            with open(target) as f:
                self.assertIn(f.read(), ("old\n", "new\n" * 1000))

    # row 11
    def test_row11_compare_tolerances_out_of_range(self):
        for opt, val, rng in (("--tol-bytes", "-1", "[0, inf)"),
                              ("--tol-bytes", "nan", "[0, inf)"),
                              ("--tol-insns", "inf", "[0, inf)"),
                              ("--tol-qemu", "x", "[0, inf)"),
                              ("--min-change", "-0.5", "[0, inf)"),
                              ("--alpha", "5", "(0, 1)"),
                              ("--alpha", "0", "(0, 1)")):
            p = U.tool("tools/compare", f"{opt}={val}", self.rundir)
            U.assert_one_line_error(self, p, opt, rng)
            self.assertEqual(p.returncode, EXIT_USAGE)

    # row 12
    def test_row12_dangling_symlink_is_named(self):
        link = os.path.join(self.rundir, "x86_64-lab.json")
        os.symlink(os.path.join(self.s.dir, "gone.json"), link)
        p = U.tool("tools/report", self.rundir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"{link}: dangling symlink", p.stderr)
        with open(os.path.join(self.rundir, "report.md")) as f:
            self.assertIn("dangling symlink", f.read())
        p = U.tool("tools/compare", "--arches", "x86_64", self.rundir, self.rundir)
        self.assertIn(f"{link}: dangling symlink", p.stderr)

    # row 13: report files get the user's umask, like any other tool
    def test_row13_report_mode_follows_umask(self):
        for mask, mode in ((0o022, 0o644), (0o027, 0o640), (0o002, 0o664)):
            p = subprocess.run([U.PY, os.path.join(U.REPO, "tools/report"), self.rundir],
                               capture_output=True, text=True, timeout=60,
                               preexec_fn=lambda m=mask: os.umask(m))
            self.assertEqual(p.returncode, 0, p.stderr)
            for name in ("report.md", "report.txt"):
                got = stat.S_IMODE(os.stat(os.path.join(self.rundir, name)).st_mode)
                self.assertEqual(oct(got), oct(mode), (name, oct(mask)))


if __name__ == "__main__":
    unittest.main()
