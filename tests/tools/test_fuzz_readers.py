# SPDX-License-Identifier: GPL-2.0
"""Generated hostile input for every reader of results JSON, baseline and
command line: tools/report, tools/report merge, tools/compare, export_lab
and kcb_bench's argv.  Inputs are truncated, wrong-typed, huge, NaN/Inf or
non-UTF-8, with odd file names.  The only outcomes allowed: success, or a
documented exit code with exactly one line on stderr and no file changed.

Bounded (python3-hypothesis, no example database): each test runs a fixed
number of examples, a few seconds in all."""
import contextlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

import export_lab
from kcbench import io as kio
from kcbench.compare_cli import main as compare_main
from kcbench.report.cli import main as report_main

BOUNDED = settings(max_examples=30, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
# what each tool may exit with on bad input (README "Exit codes")
TOOL_CODES = {"report": {0, kio.EXIT_USAGE}, "compare": {0, kio.EXIT_FAIL, kio.EXIT_USAGE},
              "export_lab": {0, kio.EXIT_USAGE}}
BENCH_CODES = {0, 2}  # kcb_bench --list: listed, or a usage error

# JSON values a reader may not expect where it expects something else
LEAVES = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
          | st.floats(allow_nan=True, allow_infinity=True)
          | st.text(max_size=12) | st.just("\ud800" * 0 + "\u202e\x00"))
VALUES = st.recursive(LEAVES, lambda kids: st.lists(kids, max_size=3)
                      | st.dictionaries(st.text(max_size=6), kids, max_size=3),
                      max_leaves=8)
# file names a careless script makes
ODD = st.text(alphabet=st.characters(blacklist_characters="/\x00",
                                     blacklist_categories=("Cs",)),
              min_size=1, max_size=12)


def snapshot(root):
    """{path: bytes} of every file under root."""
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p):
                with open(p, "rb") as f:
                    out[p] = f.read()
    return out


def call(prog, main, argv):
    """Run a tool's main the way its entry point does: (code, stderr lines)."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            kio.run(prog, main, argv)
            code = 0
        except SystemExit as e:
            code = e.code
    return code, err.getvalue().splitlines()


def paths_in(doc, path=()):
    """Every path to a value in doc."""
    yield path
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths_in(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:3]):
            yield from paths_in(v, path + (i,))


def put(doc, path, value):
    if not path:
        return value
    cur = doc
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return doc


def dumps(doc):
    """JSON with NaN/Infinity as Python writes them (not strict JSON)."""
    return json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass")


@st.composite
def hostile_bytes(draw, fixture):
    """A results file, damaged one way."""
    with open(fixture, "rb") as f:
        raw = f.read()
    how = draw(st.sampled_from(["truncate", "retype", "bytes", "huge", "nest"]))
    if how == "truncate":
        return raw[:draw(st.integers(0, len(raw) - 1))]
    if how == "bytes":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=4).filter(
            lambda b: not _utf8(b))) + raw[at:]
    doc = json.loads(raw)
    if how == "nest":
        return b"[" * 100000 + b"]" * 100000
    paths = list(paths_in(doc))
    path = draw(st.sampled_from(paths))
    value = draw(VALUES) if how == "retype" else draw(st.sampled_from(
        [10**400, -10**30, float("nan"), float("inf"), "x" * 100000, [0] * 20000]))
    return dumps(put(doc, path, value))


def _utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class FuzzReaders(unittest.TestCase):
    def setUp(self):
        self.s = U.Scratch()
        self.base = self.s.mkdir("baseline")
        self.run1 = os.path.join(U.FIXTURES, "run1")
        for n in os.listdir(self.run1):
            if n.endswith("-static.json"):
                shutil.copy2(os.path.join(self.run1, n), self.base)

    def tearDown(self):
        self.s.cleanup()

    def check(self, prog, main, argv, root):
        before = snapshot(root)
        code, err = call(prog, main, argv)
        self.assertIn(code, TOOL_CODES[prog], (argv, err))
        if code in (0, kio.EXIT_FAIL):
            return
        self.assertEqual(len(err), 1, (argv, err))
        self.assertNotIn("internal error", err[0])
        self.assertEqual(snapshot(root), before, argv)

    def rundir_with(self, name, data):
        d = tempfile.mkdtemp(dir=self.s.dir)
        for n in os.listdir(self.run1):
            shutil.copy2(os.path.join(self.run1, n), d)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        return d

    @BOUNDED
    @given(data=hostile_bytes(os.path.join(U.FIXTURES, "run1", "x86_64-fixture-x86.json")))
    def test_report_measured(self, data):
        d = self.rundir_with("x86_64-fixture-x86.json", data)
        self.check("report", report_main, [d], self.s.dir)

    @BOUNDED
    @given(data=hostile_bytes(os.path.join(U.FIXTURES, "run1", "arm64-static.json")),
           name=ODD)
    def test_merge_static_odd_name(self, data, name):
        d = self.rundir_with(f"{name}.json", data)
        self.check("report", report_main,
                   ["merge", os.path.join(d, f"{name}.json"), "-o", os.path.join(d, "out")],
                   self.s.dir)

    @BOUNDED
    @given(data=hostile_bytes(os.path.join(U.FIXTURES, "run1", "x86_64-static.json")))
    def test_compare_run(self, data):
        d = self.rundir_with("x86_64-static.json", data)
        self.check("compare", compare_main, [d, self.base], self.s.dir)

    @BOUNDED
    @given(data=hostile_bytes(os.path.join(U.FIXTURES, "run1", "riscv64-static.json")))
    def test_compare_baseline(self, data):
        with open(os.path.join(self.base, "riscv64-static.json"), "wb") as f:
            f.write(data)
        self.check("compare", compare_main, [self.run1, self.base], self.s.dir)

    @BOUNDED
    @given(argv=st.lists(st.sampled_from(["--tol-bytes", "--alpha", "--min-change",
                                          "--arches", "--update", "--newest", "x"])
                         | ODD | st.floats().map(repr), max_size=5))
    def test_compare_argv(self, argv):
        run = tempfile.mkdtemp(dir=self.s.dir)
        for n in os.listdir(self.run1):
            shutil.copy2(os.path.join(self.run1, n), run)
        self.check("compare", compare_main, argv + [run, self.base], self.s.dir)

    @BOUNDED
    @given(cache=st.binary(max_size=200), arch=st.sampled_from(["x86_64", "aarch64"]) | ODD,
           archdir=st.sampled_from(["x86_64", "arm64"]) | ODD)
    def test_export(self, cache, arch, archdir):
        build = tempfile.mkdtemp(dir=self.s.dir)
        os.makedirs(os.path.join(build, "bench"))
        with open(os.path.join(build, "bench", "kcb_bench"), "wb") as f:
            f.write(b"\x7fELF not really")
        with open(os.path.join(build, "CMakeCache.txt"), "wb") as f:
            f.write(b"KCB_TRIPLE:STRING=" + cache + b"\nCMAKE_CXX_FLAGS:STRING=" + cache)
        out = os.path.join(build, "out")
        self.check("export_lab", export_lab.main, ["--arch", arch, "--archdir", archdir,
                                                   "--build", build, "--out", out], self.s.dir)


BENCH = os.environ.get("KCB_BENCH_BIN") or os.path.join(U.REPO, "build", "x86_64", "bench",
                                                          "kcb_bench")
OPTS = ["--quick", "--scenario", "--model", "--variant", "--events", "--out", "--cpu",
        "--samples", "--list", "--help", "--frobnicate", "-x", "--"]
ARGS = (st.sampled_from(OPTS) | ODD | st.binary(max_size=6).map(lambda b: b.replace(b"\0", b""))
        | st.sampled_from(["", ",", "callsite,,", "sheaves", "static", "-1", "99999999999",
                           "nan", "1e9", "x" * 5000]))


@unittest.skipUnless(os.access(BENCH, os.X_OK), f"skip: {BENCH} not built")
class FuzzBenchArgv(unittest.TestCase):
    @BOUNDED
    @given(args=st.lists(ARGS, max_size=6))
    def test_argv(self, args):
        # --list first: getopt takes it as an option whatever follows, so
        # a valid command line lists and never measures
        argv = [BENCH, "--list"] + [a if isinstance(a, bytes) else os.fsencode(a) for a in args]
        with tempfile.TemporaryDirectory() as cwd:
            p = subprocess.run(argv, capture_output=True, cwd=cwd, timeout=30)
            self.assertEqual(os.listdir(cwd), [], args)
        self.assertIn(p.returncode, BENCH_CODES, (args, p.stderr))
        if p.returncode:
            self.assertEqual(p.stderr.count(b"\n"), 1, (args, p.stderr))
            self.assertTrue(p.stderr.endswith(b"\n"), (args, p.stderr))


if __name__ == "__main__":
    unittest.main()
