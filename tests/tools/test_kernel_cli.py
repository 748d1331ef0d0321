# SPDX-License-Identifier: GPL-2.0
"""tools/kernel on bad input: one line on stderr, exit 2, nothing written."""
import os
import subprocess
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args):
    return subprocess.run(["/usr/bin/python3", os.path.join(REPO, "tools", "kernel")] + list(args),
                          capture_output=True, text=True, timeout=60, cwd=REPO)


class BadInput(unittest.TestCase):
    def one_line(self, r, text):
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn(text, r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_missing_tree(self):
        self.one_line(run("--kernel-tree", "/nonexistent/linux"), "no such directory")

    def test_not_a_tree(self):
        with tempfile.TemporaryDirectory() as d:
            self.one_line(run("--kernel-tree", d, "--out", os.path.join(d, "out")),
                          "not a Linux source tree")
            self.assertFalse(os.path.exists(os.path.join(d, "out")))

    def test_broken_makefile(self):
        with tempfile.TemporaryDirectory() as d:
            for f in ("Makefile", "Kbuild"):
                open(os.path.join(d, f), "w").close()
            self.one_line(run("--kernel-tree", d), "no VERSION/PATCHLEVEL")

    def test_in_tree_build_refused(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "Makefile"), "w") as f:
                f.write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
            for f in ("Kbuild", ".config"):
                open(os.path.join(d, f), "w").close()
            self.one_line(run("--kernel-tree", d), "in-tree .config")

    def test_unknown_arch(self):
        self.one_line(run("--arch", "vax"), "unknown arch vax")


if __name__ == "__main__":
    unittest.main()
