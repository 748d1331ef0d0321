# SPDX-License-Identifier: GPL-2.0
"""tools/deps/debian.list: every program the scripts and CMake files call is
in it, taking make or llvm-16-tools out is caught, its rows are well formed,
and without root run_all.sh prints the apt-get line it derives from it and
stops before building.  run_all.sh test runs this file as its own step."""
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from tests.tools import kcb_deps_scan as S

NOBODY = 65534


def run_all_arches():
    with open(os.path.join(S.REPO, "run_all.sh"), encoding="utf-8") as f:
        return re.search(r'^ALL_ARCHES="([^"]*)"', f.read(), re.M).group(1).split()


def without(rows, package):
    return [r for r in rows if r[0] != package]


class CalledPrograms(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = S.load_list()
        cls.called = S.called_programs()

    def test_every_called_program_is_listed(self):
        bad = S.uncovered(self.rows)
        self.assertEqual(bad, {}, "called but not in tools/deps/debian.list: " +
                         "; ".join(f"{n} ({', '.join(sorted(set(f)))})" for n, f in sorted(bad.items())))

    def test_scan_sees_the_known_calls(self):
        # a blind scan would pass the test above: these calls are in the tree
        for name in ("make", "cmake", "ctest", "git", "gcc", "/usr/lib/llvm-16/bin/FileCheck",
                     "*/llvm-mca", "qemu-aarch64", "qemu-i386", "/usr/bin/python3",
                     "aarch64-linux-gnu-objdump", "mips64el-linux-gnuabi64-g++", "x86_64-linux-gnu-gcc"):
            self.assertIn(name, self.called)

    def test_list_without_make_fails(self):
        bad = S.uncovered(without(self.rows, "make"))
        self.assertIn("make", bad)
        self.assertIn("CMakePresets.json", bad["make"])   # the Unix Makefiles generator

    def test_list_without_llvm_16_tools_fails(self):
        bad = S.uncovered(without(self.rows, "llvm-16-tools"))
        self.assertIn("/usr/lib/llvm-16/bin/FileCheck", bad)

    def test_list_without_a_cross_objdump_fails(self):
        bad = S.uncovered(without(self.rows, "binutils-riscv64-linux-gnu"))
        self.assertIn("riscv64-linux-gnu-objdump", bad)

    def test_a_new_call_is_caught(self):
        for kind, text, name in (
                ("shell", 'x=$(readelf -h "$f")\nif true; then strace -f ./a; fi\n', "strace"),
                ("shell", 'x=$(readelf -h "$f")\n', "readelf"),
                ("python", 'import subprocess\nsubprocess.run(["llvm-objdump-16", "-d"])\n', "llvm-objdump-16"),
                ("python", 'import shutil\nT = "x"\nshutil.which(T + "-nm")\n', "x-nm"),
                ("cmake", "find_program(KCB_NINJA NAMES ninja)\n", "ninja"),
                ("cmake", "add_test(NAME t COMMAND valgrind x)\n", "valgrind")):
            scan = {"shell": S.shell_programs, "python": S.python_programs,
                    "cmake": lambda t: S.cmake_programs(t, set())}[kind]
            found = scan(text)
            self.assertIn(name, found, f"{kind}: {text!r}")
            self.assertFalse(S.covered(name, self.rows), name)

    def test_shell_words_that_are_not_calls(self):
        found = S.shell_programs('case $1 in\ntest|gate) m=$1 ;;\nesac\nf() { :; }\nf >&2\n'
                                 'a=(x y)\n((n > 1)) && echo "a; b"\n[[ $x =~ (p|q) ]] || command -v "$p"\n')
        self.assertEqual(found, set())


class ListRows(unittest.TestCase):
    def test_rows(self):
        arches = run_all_arches()
        rows = S.load_list()
        have = {}
        for pkg, provides, scope, why in rows:
            self.assertRegex(pkg, r"^[a-z0-9][a-z0-9+.-]+$")
            ok = scope in S.SCOPES or (scope.startswith("arch:") and scope[5:] in arches)
            self.assertTrue(ok, f"{pkg}: scope {scope}")
            if scope == "optional":
                self.assertTrue(why, f"{pkg}: an optional row says what is lost without it")
            for p in provides:
                self.assertRegex(p, r"^(py:[\w.]+|/[\w./+-]+|[\w.+-]+)$", pkg)
            have.setdefault(scope, set()).update(provides)
        for a, triple in zip(arches, run_all_triples()):
            for tool in ("g++", "gcc", "objdump"):
                self.assertIn(f"{triple}-{tool}", have.get(f"arch:{a}", set()), a)

    def test_base_rows_are_essential(self):
        if not shutil.which("dpkg-query"):
            self.skipTest("skip: no dpkg-query")
        for pkg, _, scope, _ in S.load_list():
            if scope != "base" or pkg == "apt":  # apt: every --variant=apt root
                continue
            r = subprocess.run(["dpkg-query", "-W", "-f=${Essential}", pkg], capture_output=True, text=True)
            self.assertEqual(r.stdout, "yes", f"{pkg} is not Essential: give it a real scope")


def run_all_triples():
    with open(os.path.join(S.REPO, "run_all.sh"), encoding="utf-8") as f:
        text = f.read()
    triple = dict(re.findall(r"\[(\w+)\]=([\w-]+-linux-gnu\w*)", text))
    return [triple[a] for a in run_all_arches()]


class NonRoot(unittest.TestCase):
    """Without root: the exact apt-get line from the list, exit 2, nothing built.
    Runs as the real user nobody (setpriv) when the tests run as root."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kcb-deps-")
        os.makedirs(os.path.join(self.dir, "tools", "deps"))
        for rel in ("run_all.sh", "tools/deps/debian.list"):
            shutil.copy2(os.path.join(S.REPO, rel), os.path.join(self.dir, rel))
        for d, _, files in os.walk(self.dir):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), os.stat(os.path.join(d, f)).st_mode | stat.S_IROTH | stat.S_IXOTH)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_as_user(self, *args, pretend=""):
        cmd = ["./run_all.sh"] + list(args)
        if os.geteuid() == 0:
            cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] + cmd
        env = dict(os.environ, KCB_PRETEND_MISSING=pretend, HOME="/nonexistent")
        return subprocess.run(cmd, cwd=self.dir, env=env, capture_output=True, text=True, timeout=120)

    def test_both_commands_print_the_apt_line_and_stop(self):
        order = [r[0] for r in S.load_list()]
        for args in (("test",), ()):
            r = self.run_as_user(*args, pretend="make llvm-16-tools")
            out = r.stdout + r.stderr
            self.assertEqual(r.returncode, 2, out)
            lines = [l for l in out.splitlines() if "apt-get install" in l]
            self.assertEqual(len(lines), 1, out)
            words = lines[0].split()
            self.assertEqual(words[:4], ["apt-get", "install", "-y", "--no-install-recommends"], lines[0])
            pkgs = words[4:]
            self.assertIn("make", pkgs)
            self.assertIn("llvm-16-tools", pkgs)
            self.assertEqual(pkgs, sorted(set(pkgs), key=order.index), "once each, in list order")
            self.assertNotIn("configure + build", out)
            self.assertFalse(os.path.exists(os.path.join(self.dir, "build")), "built something")


class ClosingLine(unittest.TestCase):
    """A run that built nothing says so in its last line and exit status, and
    names no report it did not write (a copy of the tree; cmake that fails)."""

    @classmethod
    def setUpClass(cls):
        if os.environ.get("KCB_CLOSING_LINE_TEST"):
            raise unittest.SkipTest("skip: already inside the closing-line test's own run")
        cls.dir = tempfile.mkdtemp(prefix="kcb-closing-")
        cls.tree = os.path.join(cls.dir, "tree")
        shutil.copytree(S.REPO, cls.tree, symlinks=True,
                        ignore=lambda d, names: [n for n in names if n in (".git", "build", "runs", "__pycache__")])
        os.makedirs(os.path.join(cls.dir, "bin"))
        cmake = os.path.join(cls.dir, "bin", "cmake")
        with open(cmake, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\necho 'cmake: made to fail by test_deps.py' >&2\nexit 1\n")
        os.chmod(cmake, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_all(self, *args):
        # linux-perf "missing": an optional package, so root installs nothing
        env = dict(os.environ, PATH=os.path.join(self.dir, "bin") + ":" + os.environ["PATH"],
                   KCB_PRETEND_MISSING="linux-perf", KCB_CLOSING_LINE_TEST="1")
        r = subprocess.run(["./run_all.sh"] + list(args), cwd=self.tree, env=env,
                           capture_output=True, text=True, timeout=300)
        if "missing packages" in r.stderr:
            self.skipTest("skip: packages missing here: " + r.stderr.strip().splitlines()[-1])
        return r, r.stdout.strip().splitlines()

    def test_tests_that_did_not_run(self):
        r, lines = self.run_all("test", "--arch", "x86_64,aarch64")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(lines[-1], r"^tests: none ran, \d+ arches FAILED: build \(x86_64 aarch64"
                         r"( x86_64-asan)?( x86_64-clang aarch64-clang)?\)")
        self.assertNotIn("passed", lines[-1])

    def test_main_job_names_only_what_it_wrote(self):
        r, lines = self.run_all("--arch", "x86_64", "--quick")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(lines[-1], r"^tests: none ran, \d+ arch(es)? FAILED: build \(x86_64( x86_64-clang)?\)"
                         r".*report FAILED")
        self.assertIn("report: none written", lines)
        self.assertFalse([l for l in lines if "report.md" in l or "report.txt" in l], lines)
        self.assertIn("linux-perf", r.stderr + r.stdout)  # an optional package is named


if __name__ == "__main__":
    unittest.main()
