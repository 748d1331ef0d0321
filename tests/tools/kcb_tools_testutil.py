"""Helpers for the report / compare / merge tests: run a tool the way a
user does (/usr/bin/python3, fresh process) on a scratch copy of the
fixtures, so no test writes into the tree."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(HERE, "fixtures")
PY = "/usr/bin/python3"
# the one place the tests reach tools/ (the kcbench package) and plots/
sys.path[:0] = [os.path.join(REPO, "tools"), os.path.join(REPO, "plots")]


def tool(*args, timeout=60):
    """Run tools/<name> or plots/<script>; returns CompletedProcess."""
    path = os.path.join(REPO, args[0])
    return subprocess.run([PY, path] + list(args[1:]), capture_output=True,
                          text=True, timeout=timeout, cwd=REPO)


class Scratch:
    """A temp folder holding copies of fixture folders."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kcb-test-")

    def copy(self, name, as_name=None):
        dst = os.path.join(self.dir, as_name or name)
        shutil.copytree(os.path.join(FIXTURES, name), dst,
                        ignore=shutil.ignore_patterns("report.*", "plots"))
        return dst

    def mkdir(self, name):
        d = os.path.join(self.dir, name)
        os.makedirs(d, exist_ok=True)
        return d

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def edit_json(path, fn):
    with open(path) as f:
        doc = json.load(f)
    fn(doc)
    with open(path, "w") as f:
        json.dump(doc, f)


def assert_one_line_error(tc, proc, *needles):
    """Non-zero exit, exactly one line on stderr, no traceback."""
    tc.assertNotEqual(proc.returncode, 0, proc.stdout + proc.stderr)
    err = proc.stderr.strip().splitlines()
    tc.assertEqual(len(err), 1, proc.stderr)
    tc.assertNotIn("Traceback", proc.stderr)
    tc.assertNotIn("internal error", proc.stderr)
    for n in needles:
        tc.assertIn(n, err[0])
