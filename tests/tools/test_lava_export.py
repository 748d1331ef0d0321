# SPDX-License-Identifier: GPL-2.0
"""./run_all.sh --export's LAVA files (tools/kcbench/lab/lava.py): every
generated test definition and job template validates with Debian's
lava-common schemas; the x86_64 test definition's run steps, run in a local
shell with stub lava-test-* commands, report every record metric of the
real results JSON; two such runs merge with tools/report merge.

Needs build/x86_64/bench/kcb_bench (preset x86_64) for the run; the schema
checks of the other arches need only lava-common and python3-yaml."""
import glob
import json
import os
import shlex
import subprocess
import sys
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

try:
    import yaml
    from lava_common.schemas import validate as validate_job
    from lava_common.schemas.test.testdef import validate as validate_testdef
    from kcbench.lab import lava  # tools/ is on sys.path via U
    HAVE_LAVA = True
except ImportError:
    HAVE_LAVA = False

from kcbench.vocab import ARCHES  # noqa: E402  (tools/ is on sys.path via U)

BUILD = os.path.join(U.REPO, "build", "x86_64")
BENCH = os.path.join(BUILD, "bench", "kcb_bench")
ARCHDIR = {a.preset: a.name for a in ARCHES.values()}

# Stubs: each records its argv, one JSON list a line; lava-test-raise ends the
# run as LAVA does.
STUB = """#!/bin/sh
/usr/bin/python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$(basename "$0")" "$@" >> "$KCB_STUB_CALLS"
case $(basename "$0") in lava-test-raise) exit 1;; esac
"""


@unittest.skipUnless(HAVE_LAVA, "lava-common or python3-yaml absent (apt install lava-common python3-yaml)")
class LavaSchemas(unittest.TestCase):
    def test_every_arch_validates(self):
        for preset, archdir in ARCHDIR.items():
            with self.subTest(preset=preset):
                tdef = lava.testdef(preset, archdir)
                validate_testdef(yaml.safe_load(lava._dump(tdef)))
                validate_job(yaml.safe_load(lava._dump(lava.job(preset, archdir, tdef))), strict=True)

    def test_validator_rejects_a_broken_file(self):
        tdef = lava.testdef("x86_64", "x86_64")
        tdef["metadata"]["format"] = "Lava-Test Test Definition 2.0"
        with self.assertRaises(Exception):
            validate_testdef(tdef)
        job = lava.job("x86_64", "x86_64", lava.testdef("x86_64", "x86_64"))
        del job["timeouts"]
        with self.assertRaises(Exception):
            validate_job(job, strict=True)

    def test_parameters_are_marked(self):
        text = lava._dump(lava.job("aarch64", "arm64", lava.testdef("aarch64", "arm64")))
        for what in ("device_type: REPLACE-", "url: https://REPLACE-", "PACK_URL: https://REPLACE-"):
            self.assertIn(what, text)


@unittest.skipUnless(HAVE_LAVA, "lava-common or python3-yaml absent (apt install lava-common python3-yaml)")
@unittest.skipUnless(os.access(BENCH, os.X_OK), f"{BENCH} not built (preset x86_64)")
class LavaStubRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = U.Scratch()
        cls.out = cls.s.mkdir("export")
        p = U.tool("tools/export_lab.py", "--arch", "x86_64", "--archdir", "x86_64",
                   "--build", BUILD, "--out", cls.out)
        if p.returncode:
            raise AssertionError(f"export_lab.py failed: {p.stderr}")
        cls.stubs = cls.s.mkdir("stubs")
        for name in ("lava-test-case", "lava-test-reference", "lava-test-raise"):
            path = os.path.join(cls.stubs, name)
            with open(path, "w") as f:
                f.write(STUB)
            os.chmod(path, 0o755)
        cls.runs = [cls.stub_run(f"dut{i}") for i in (1, 2)]

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    @classmethod
    def stub_run(cls, name):
        """The test definition's params and run steps as one shell script, the
        way lava-test-shell runs them; returns (workdir, calls, stdout)."""
        work = cls.s.mkdir(name)
        with open(os.path.join(cls.out, "lava", "kcache-bench-x86_64.yaml")) as f:
            tdef = yaml.safe_load(f)
        params = dict(tdef["params"], PACK_URL=f"file://{cls.out}/kcb-x86_64.tar.gz")
        script = "".join(f"{k}={shlex.quote(v)}\n" for k, v in params.items())
        script += "\n".join(tdef["run"]["steps"]) + "\n"
        calls = os.path.join(work, "calls")
        env = dict(os.environ, PATH=f"{cls.stubs}:/usr/bin:/bin", KCB_STUB_CALLS=calls)
        p = subprocess.run(["sh", "-c", script], cwd=work, env=env, capture_output=True,
                           text=True, timeout=600)
        if p.returncode:
            raise AssertionError(f"stub run failed ({p.returncode}): {p.stderr[-500:]}")
        with open(calls) as f:
            return work, [json.loads(line) for line in f], p.stdout

    def results(self, work):
        files = glob.glob(os.path.join(work, "kcb-pack", "x86_64", "x86_64-*.json"))
        self.assertEqual(len(files), 1, files)
        with open(files[0]) as f:
            return files[0], f.read()

    def test_every_record_metric_reported(self):
        for work, calls, _ in self.runs:
            _, text = self.results(work)
            want = {}
            for r in json.loads(text)["records"]:
                for unit, m in r["metrics"].items():
                    name = f"{r['model']}.{r['scenario']}.{r['variant']}.{unit}"
                    want[name] = ["--result", "pass", "--measurement", m["median"], "--units", unit]
            got = {}
            for c in calls:
                if c[0] == "lava-test-case" and c[1] != "kcb-run":
                    args = c[2:]
                    if "--measurement" in args:
                        i = args.index("--measurement") + 1
                        args[i] = float(args[i])
                    got[c[1]] = args
            self.assertTrue(want)
            self.assertEqual(got, want)
            self.assertIn(["lava-test-case", "kcb-run", "--result", "pass"], calls)
            self.assertFalse([c for c in calls if c[0] == "lava-test-raise"], calls)

    def test_results_json_in_the_log(self):
        for work, _, stdout in self.runs:
            path, text = self.results(work)
            begin = f"KCB-RESULTS-JSON-BEGIN {os.path.basename(path)}\n"
            self.assertIn(begin, stdout)
            logged = stdout.split(begin, 1)[1].split("KCB-RESULTS-JSON-END", 1)[0]
            self.assertEqual(json.loads(logged), json.loads(text))

    def test_two_runs_merge(self):
        merged = self.s.mkdir("merged")
        jsons = [self.results(work)[0] for work, _, _ in self.runs]
        p = U.tool("tools/report", "merge", *jsons, "-o", merged)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(merged, "report.txt")) as f:
            txt = f.read()
        host = json.loads(self.results(self.runs[0][0])[1])["context"]["host"]
        # one column per run, every record of both runs in the merged table
        # each host keeps its own column, tagged with the run's config
        self.assertRegex(txt, rf"scenario variant\s+{host} \[distro\]\s+{host}#2 \[distro\]\n")
        for r in json.loads(self.results(self.runs[1][0])[1])["records"]:
            self.assertRegex(txt, rf"\n{r['scenario']} {r['variant']}\s+\S+ \[\S+\]\s+\S+ \[\S+\]\n")


if __name__ == "__main__":
    sys.exit(unittest.main())
