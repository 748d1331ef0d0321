# SPDX-License-Identifier: GPL-2.0
"""Fault injection: a full disk (RLIMIT_FSIZE, as `ulimit -f`), a read-only
results folder, a killed child (llvm-mca, QEMU) and a cross compiler that
vanishes mid-run.  Each must end with a clear message and a non-zero exit,
and leave every earlier result as it was, with no temp file beside it."""
import os
import resource
import shutil
import stat
import subprocess
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

from kcbench.io import EXIT_FAIL, EXIT_USAGE

BUILD = os.path.join(U.REPO, "build", "x86_64")
BENCH = os.path.join(BUILD, "bench", "kcb_bench")
BENCH_OUTPUT_EXIT = 4  # bench/exit_codes.h KCB_EXIT_OUTPUT
NOBODY = 65534


def snapshot(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[p] = f.read()
    return out


def file_limit(nbytes):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))


def as_nobody():
    """root ignores a folder's mode: drop to nobody, so read-only holds"""
    if os.getuid() == 0:
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def run(argv, preexec=None, env=None, cwd=U.REPO):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec, env=env, cwd=cwd)


def fake_tool(folder, name, script):
    os.makedirs(folder, exist_ok=True)
    p = os.path.join(folder, name)
    with open(p, "w") as f:
        f.write("#!/bin/sh\n" + script + "\n")
    os.chmod(p, 0o755)
    return p


class Faults(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        os.chmod(self.s.dir, 0o755)
        self.rundir = self.s.copy("run1")
        p = U.tool("tools/report", self.rundir)  # the earlier result
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        for d, dirs, _ in os.walk(self.s.dir):
            for n in dirs:
                os.chmod(os.path.join(d, n), 0o755)
        self.s.cleanup()

    def assert_untouched(self, before, root):
        self.assertEqual(snapshot(root), before)

    def test_full_disk_report(self):
        U.edit_json(os.path.join(self.rundir, "x86_64-fixture-x86.json"),
                    lambda d: d["context"].update(host="changed"))
        before = snapshot(self.rundir)
        p = run([U.PY, os.path.join(U.REPO, "tools/report"), self.rundir],
                preexec=file_limit(4096))
        U.assert_one_line_error(self, p, "cannot write", "File too large")
        self.assertEqual(p.returncode, EXIT_USAGE)
        self.assert_untouched(before, self.rundir)

    def test_full_disk_compare_update(self):
        base = self.s.mkdir("baseline")
        p = U.tool("tools/compare", "--update", self.rundir, base)
        self.assertEqual(p.returncode, 0, p.stderr)
        U.edit_json(os.path.join(self.rundir, "arm64-static.json"),
                    lambda d: d["context"].update(triple="changed"))
        before = snapshot(base)
        p = run([U.PY, os.path.join(U.REPO, "tools/compare"), "--update", self.rundir, base],
                preexec=file_limit(2048))
        U.assert_one_line_error(self, p, "File too large")
        self.assert_untouched(before, base)

    @unittest.skipUnless(os.access(BENCH, os.X_OK), f"skip: {BENCH} not built")
    def test_full_disk_kcb_bench(self):
        out = os.path.join(self.rundir, "x86_64-fixture-x86.json")
        before = snapshot(self.rundir)
        p = run([BENCH, "--quick", "--scenario", "callsite", "--model", "sheaves",
                 "--variant", "static", "--out", out], preexec=file_limit(4096))
        self.assertEqual(p.returncode, BENCH_OUTPUT_EXIT, p.stderr[-500:])
        self.assertRegex(p.stderr.splitlines()[-1], r"^kcb_bench: output: .*File too large$")
        self.assert_untouched(before, self.rundir)

    def test_read_only_folder(self):
        before = snapshot(self.rundir)
        os.chmod(self.rundir, 0o555)
        p = run([U.PY, os.path.join(U.REPO, "tools/report"), self.rundir], preexec=as_nobody)
        U.assert_one_line_error(self, p, "cannot write", "Permission denied")
        self.assertEqual(p.returncode, EXIT_USAGE)
        if os.access(BENCH, os.X_OK):
            p = run([BENCH, "--quick", "--out", os.path.join(self.rundir, "x86_64-new.json")],
                    preexec=as_nobody)
            U.assert_one_line_error(self, p, "output: cannot create", "Permission denied")
            self.assertEqual(p.returncode, BENCH_OUTPUT_EXIT)
        self.assert_untouched(before, self.rundir)

    def _static(self, env, *opts):
        out = os.path.join(self.rundir, "x86_64-static.json")
        before = snapshot(self.rundir)
        p = run([U.PY, os.path.join(U.REPO, "tools/static_metrics.py"), "--arch", "x86_64",
                 "--build", BUILD, "--out", out] + list(opts), env=env)
        U.assert_one_line_error(self, p, "was killed by SIGKILL", "nothing written")
        self.assertEqual(p.returncode, EXIT_FAIL)
        self.assert_untouched(before, self.rundir)

    @unittest.skipUnless(os.access(os.path.join(BUILD, "tools", "kcb_count"), os.X_OK),
                         "skip: build/x86_64 not built")
    def test_killed_llvm_mca(self):
        bin_dir = os.path.join(self.s.dir, "llvm-bin")
        fake_tool(bin_dir, "llvm-mca", 'case "$1" in --version) echo "LLVM version 16";; '
                  '*) kill -9 $$;; esac')
        self._static(dict(os.environ, KCB_LLVM_BIN=bin_dir), "--no-qemu")

    @unittest.skipUnless(os.access(os.path.join(BUILD, "tools", "kcb_count"), os.X_OK)
                         and shutil.which("qemu-x86_64"), "skip: build/x86_64 or QEMU missing")
    def test_killed_qemu(self):
        bin_dir = os.path.join(self.s.dir, "bin")
        real = shutil.which("qemu-x86_64")
        fake_tool(bin_dir, "qemu-x86_64", f'case "$1" in --version) exec {real} --version;; '
                  '*) kill -9 $$;; esac')
        self._static(dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"]),
                     "--no-mca")

    def test_cross_compiler_vanishes_mid_run(self):
        """present when run_all.sh checks its dependencies, gone at the
        build: that arch fails by name, the run exits non-zero, earlier
        runs stay as they were"""
        root = self.s.mkdir("root")
        for n in os.listdir(U.REPO):
            if n in ("build", "results", ".git"):
                continue
            src = os.path.join(U.REPO, n)
            if n == "run_all.sh":
                shutil.copy2(src, root)
            else:
                os.symlink(src, os.path.join(root, n))
        earlier = os.path.join(root, "results", "runs", "20250101-000000")
        shutil.copytree(self.rundir, earlier)
        before = snapshot(earlier)
        bin_dir = os.path.join(self.s.dir, "bin")
        for tool in ("g++", "gcc"):  # the first call removes both
            fake_tool(bin_dir, f"riscv64-linux-gnu-{tool}",
                      f'rm -f "{bin_dir}"/riscv64-linux-gnu-*; '
                      'echo "$0: not found" >&2; exit 127')
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
        p = run([os.path.join(root, "run_all.sh"), "test", "--arch", "riscv64"], env=env,
                cwd=root)
        self.assertNotEqual(p.returncode, 0, p.stdout[-2000:])
        self.assertRegex(p.stdout, r"riscv64 +FAILED: build \(see build/riscv64.log\)")
        self.assert_untouched(before, earlier)


if __name__ == "__main__":
    unittest.main()
