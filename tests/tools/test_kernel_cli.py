# SPDX-License-Identifier: GPL-2.0
"""tools/kernel on bad input: one line on stderr, exit 2, nothing written;
a variant is rebuilt exactly when its inputs changed."""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
from kcbench.kernel import cli, kbuild, module, transform, tree  # noqa: E402


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

    def test_unwritable_out(self):
        # checked before the tree, the packages or any build
        with tempfile.TemporaryDirectory() as d:
            f = os.path.join(d, "file")
            open(f, "w").close()
            self.one_line(run("--out", os.path.join(f, "sub")), f"{f} is not a directory")
            self.one_line(run("--exec", "--out", f), f"{f} is not a directory")
            if os.geteuid() != 0:  # root writes anywhere
                ro = os.path.join(d, "ro")
                os.mkdir(ro, 0o555)
                self.one_line(run("--out", os.path.join(ro, "new")), f"{ro} is not writable")


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


class TransformsDoNotFit(unittest.TestCase):
    """A tree whose mnt_cache is created by a call the static transform does
    not know: stderr names the call site, the other variants and arches go
    on, kernel.json records it, exit 1.  Kbuild is not run (its steps are
    replaced here); only the tool's flow is under test."""

    def setUp(self):
        self.d = tempfile.TemporaryDirectory()
        self.addCleanup(self.d.cleanup)
        src = os.path.join(self.d.name, "linux")
        files = {"Makefile": "VERSION = 6\nPATCHLEVEL = 99\nSUBLEVEL = 0\n",
                 "Kbuild": "# Check for missing system calls\nprepare: missing-syscalls\n",
                 "mm/slub.c": "#include <linux/mm.h>\n",
                 "arch/x86/include/asm/runtime-const.h": "/* x86 */\n",
                 transform.LDS: "#define RUNTIME_CONST_VARIABLES\t\t\\\n\t\tRUNTIME_CONST(shift, d_hash_shift)\n",
                 "fs/namespace.c": "#include <linux/slab.h>\nstatic struct kmem_cache *mnt_cache __ro_after_init;\n"
                                   "void *a(void)\n{\n\treturn kmem_cache_zalloc(mnt_cache, 0);\n}\n"
                                   "void __init i(void)\n{\n\tmnt_cache = kmem_cache_create_odd(1);\n}\n"}
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
            with open(os.path.join(src, rel), "w") as f:
                f.write(text)
        self.src = src
        saved = (kbuild.prepare, kbuild.build_objects, module.modules_prepare, module.build,
                 kbuild.missing_packages)
        self.addCleanup(self.restore, saved)
        self.built = []
        # Kbuild is not run, so its host packages (bc, flex, ...) are not
        # needed: a fresh root without them still tests the flow
        kbuild.missing_packages = lambda *a: []
        kbuild.prepare = lambda *a: {"CC_VERSION_TEXT": "gcc", "SLUB": "y"}
        module.modules_prepare = lambda *a: 0
        kbuild.build_objects = lambda arch, variant, work, objdir, objs, outdir, *a: (
            os.makedirs(outdir, exist_ok=True), self.built.append(variant), {})[2]
        module.build = lambda *a: dict(object=None, error="not built here", undefined=[], seconds=0)

    @staticmethod
    def restore(saved):
        (kbuild.prepare, kbuild.build_objects, module.modules_prepare, module.build,
         kbuild.missing_packages) = saved

    def test_names_the_site_and_goes_on(self):
        out = os.path.join(self.d.name, "out")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = cli.main(["--kernel-tree", self.src, "--arch", "x86_64", "--out", out,
                           "--cache", os.path.join(self.d.name, "cache")])
        self.assertEqual(rc, 1)
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r"^tools/kernel: x86_64 static: mnt_cache: fs/namespace.c:\d+: "
                         r"mnt_cache = kmem_cache_create_odd\(\.\.\.\) has no static form$")
        self.assertEqual(self.built, ["pointer", "runtime_const", "static"])
        with open(os.path.join(out, "kernel.json")) as f:
            doc = json.load(f)
        a = doc["arches"]["x86_64"]
        self.assertIn("mnt_cache", a["transform_failures"]["static"])
        self.assertEqual(a["transform_failures"]["runtime_const"], {})
        self.assertTrue(a["status"].startswith("partial"))
        self.assertTrue(os.path.isfile(os.path.join(out, "kernel.md")))
        with open(os.path.join(self.src, "fs", "namespace.c")) as f:
            self.assertIn("kmem_cache_create_odd", f.read())  # the given tree is not written


class SameNameOtherTree(unittest.TestCase):
    """Work copies, prepared trees and objects are named by the tree's
    folder name: another source under the same name rebuilds them all."""

    def test_new_source_forgets_the_builds(self):
        with tempfile.TemporaryDirectory() as d:
            work, cache = os.path.join(d, "work", "linux"), os.path.join(d, "cache")
            outroot = os.path.join(cache, "out", "linux")
            a, b = os.path.join(d, "a", "linux"), os.path.join(d, "b", "linux")
            for src in (a, b):
                os.makedirs(src)
            self.assertTrue(tree.work_copy(a, work))
            self.assertFalse(tree.work_copy(a, work))
            stale = [os.path.join(cache, "obj", "x86_64", kbuild.PREPARED_STAMP),
                     os.path.join(outroot, "arm64", "static", "inputs.json")]
            for p in stale:
                os.makedirs(os.path.dirname(p), exist_ok=True)
                open(p, "w").close()
            self.assertTrue(tree.work_copy(b, work))
            cli._forget_builds(cache, outroot)
            self.assertEqual([p for p in stale if os.path.exists(p)], [])


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
