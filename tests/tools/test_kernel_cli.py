# SPDX-License-Identifier: GPL-2.0
"""tools/kernel on bad input: one line on stderr, exit 2, nothing written;
a variant is rebuilt exactly when its inputs changed."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
from kcbench.kernel import cli, module, tree  # noqa: E402


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


class KeptBuild(unittest.TestCase):
    """build_arch keeps a variant whose inputs.json matches; anything that
    changes the objects' inputs, or a lost object, rebuilds it."""
    FILES = {"fs/namespace.c": "static struct kmem_cache *mnt_cache;\n"}
    CFG = {"CC_VERSION_TEXT": "gcc 12.2.0", "SLUB": "y"}

    def setUp(self):
        self.d = tempfile.TemporaryDirectory()
        self.addCleanup(self.d.cleanup)
        os.makedirs(os.path.join(self.d.name, "fs"))
        open(os.path.join(self.d.name, "fs", "namespace.o"), "w").close()
        os.makedirs(os.path.join(self.d.name, "module"))
        open(os.path.join(self.d.name, module.OBJECT), "w").close()
        self.key = cli._inputs_key(self.FILES, [], self.CFG)
        self.mkey = cli._inputs_key(self.FILES, [], self.CFG, module.source_text())
        self.mod = dict(object=module.OBJECT, error=None, undefined=[], seconds=1.0)
        with open(os.path.join(self.d.name, "inputs.json"), "w") as f:
            json.dump(dict(key=self.key, objects={"fs/namespace.o": None, "fs/ufs/super.o": "error"},
                           module_key=self.mkey, module=self.mod), f)

    def test_unchanged_is_kept(self):
        self.assertEqual(cli._built_before(self.d.name, self.key),
                         {"fs/namespace.o": None, "fs/ufs/super.o": "error"})
        self.assertEqual(cli._module_before(self.d.name, self.mkey), self.mod)

    def test_changed_inputs_rebuild(self):
        for key in (cli._inputs_key({"fs/namespace.c": "changed"}, [], self.CFG),
                    cli._inputs_key(self.FILES, ["include/linux/slab_static.h"], self.CFG),
                    cli._inputs_key(self.FILES, [], dict(self.CFG, CC_VERSION_TEXT="gcc 12.3.0"))):
            self.assertNotEqual(key, self.key)
            self.assertIsNone(cli._built_before(self.d.name, key))

    def test_lost_object_rebuilds(self):
        os.unlink(os.path.join(self.d.name, "fs", "namespace.o"))
        self.assertIsNone(cli._built_before(self.d.name, self.key))

    def test_module_alone_rebuilds(self):
        # a changed or lost module object rebuilds the module, not the objects
        edited = cli._inputs_key(self.FILES, [], self.CFG, module.source_text() + "\n")
        self.assertIsNone(cli._module_before(self.d.name, edited))
        self.assertIsNotNone(cli._built_before(self.d.name, self.key))
        os.unlink(os.path.join(self.d.name, module.OBJECT))
        self.assertIsNone(cli._module_before(self.d.name, self.mkey))
        self.assertIsNotNone(cli._built_before(self.d.name, self.key))


class InstalledTarball(unittest.TestCase):
    """With linux-source-6.12 installed (what run_all.sh kernel does), its
    /usr/src tarball is extracted; apt-get download is not run."""

    def test_installed_tarball_is_used(self):
        with tempfile.TemporaryDirectory() as d:
            top = os.path.join(d, "src", tree.DEB_PACKAGE)
            os.makedirs(top)
            with open(os.path.join(top, "Makefile"), "w") as f:
                f.write("VERSION = 6\nPATCHLEVEL = 12\n")
            xz = os.path.join(d, tree.DEB_PACKAGE + ".tar.xz")
            subprocess.run(["tar", "-cJf", xz, "-C", os.path.join(d, "src"), tree.DEB_PACKAGE], check=True)
            saved, tree.INSTALLED_TARBALL = tree.INSTALLED_TARBALL, xz
            try:
                said = []
                got = tree.debian_tree(os.path.join(d, "cache"), said.append)
            finally:
                tree.INSTALLED_TARBALL = saved
            self.assertTrue(os.path.isfile(os.path.join(got, "Makefile")))
            self.assertFalse(os.path.exists(os.path.join(d, "cache", "deb")))
            self.assertFalse([m for m in said if "apt-get download" in m], said)


if __name__ == "__main__":
    unittest.main()
