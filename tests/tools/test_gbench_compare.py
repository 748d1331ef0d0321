# SPDX-License-Identifier: GPL-2.0
"""Google Benchmark's own compare.py (Debian's libbenchmark-tools) on a real,
short kcb_gbench run: the filters README documents pair only same-model,
same-scenario records of the two intended variants, every record a filter
selects takes part in a pair (so the OVERALL_GEOMEAN is over pairs only),
and bench/precision.py reads every name back to a kcb_bench record key.

kcb_gbench: $KCB_GBENCH, else build/x86_64/bench/kcb_gbench."""
import importlib.util
import json
import os
import re
import subprocess
import tempfile
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

COMPARE = "/usr/share/benchmark/compare.py"
GBENCH = os.environ.get("KCB_GBENCH",
                        os.path.join(U.REPO, "build", "x86_64", "bench", "kcb_gbench"))
# the commands README.md documents: (baseline filter, contender filter)
FILTERS = [("variant:pointer", "variant:static"),
           ("variant:runtime_const", "variant:static"),
           ("align:8", "align:64")]


def load_precision():
    spec = importlib.util.spec_from_file_location(
        "kcb_precision", os.path.join(U.REPO, "bench", "precision.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def bad_pairs(names, printed, base, cont):
    """Problems with compare.py's printed rows for filters base/cont over the
    benchmark names; [] when every row pairs one same-model, same-scenario
    (base variant, cont variant) and every selected record is in a row.
    A row name is what gbench.report.filter_benchmark made of a name."""
    key = load_precision().gbench_key
    mark = f"[{base} vs. {cont}]"
    problems, used = [], set()
    for row in printed:
        lhs = [n for n in names if re.search(base, n) and re.sub(base, mark, n) == row]
        rhs = [n for n in names if re.search(cont, n) and re.sub(cont, mark, n) == row]
        if len(lhs) != 1 or len(rhs) != 1:
            problems.append(f"{row}: pairs {lhs} with {rhs}")
            continue
        (lm, ls, lv), (rm, rs, rv) = key(lhs[0]), key(rhs[0])
        if (lm, ls) != (rm, rs):
            problems.append(f"{row}: {lhs[0]} paired with {rhs[0]}")
        used.update((lhs[0], rhs[0]))
    for flt in (base, cont):
        for n in names:
            if re.search(flt, n) and n not in used:
                problems.append(f"filter {flt} selects {n}, which is in no pair "
                                f"(it still enters OVERALL_GEOMEAN)")
    return problems


def compare_rows(path, base, cont):
    p = subprocess.run(["/usr/bin/python3", COMPARE, "--no-color", "filters", path, base, cont],
                       capture_output=True, text=True, timeout=120)
    if p.returncode:
        raise AssertionError(f"compare.py failed: {p.stderr.strip()[-300:]}")
    mark = f"[{base} vs. {cont}]"
    return [line[:line.index(mark) + len(mark)] for line in p.stdout.splitlines() if mark in line]


@unittest.skipUnless(os.path.isfile(COMPARE), f"{COMPARE} absent (apt install libbenchmark-tools)")
@unittest.skipUnless(os.access(GBENCH, os.X_OK), f"{GBENCH} not built (libbenchmark-dev, preset x86_64)")
class GbenchCompare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="kcb-gbench-")
        cls.json = os.path.join(cls.tmp.name, "run.json")
        # libbenchmark 1.7 (Debian 12) reads a plain number of seconds
        p = subprocess.run([GBENCH, "--benchmark_min_time=0.002", f"--benchmark_out={cls.json}",
                            "--benchmark_out_format=json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300)
        if p.returncode:
            raise AssertionError(f"kcb_gbench exited {p.returncode}: {p.stderr.strip()[-300:]}")
        with open(cls.json) as f:
            cls.names = [b["name"] for b in json.load(f)["benchmarks"]]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_documented_filters_pair_only_intended_records(self):
        for base, cont in FILTERS:
            with self.subTest(filters=(base, cont)):
                rows = compare_rows(self.json, base, cont)
                self.assertTrue(rows, f"compare.py printed no pair for {base} {cont}")
                self.assertEqual(bad_pairs(self.names, rows, base, cont), [])
                # every (model, scenario) that has both variants shows up
                key = load_precision().gbench_key
                want_b = {key(n)[:2] for n in self.names if re.search(base, n)}
                want_c = {key(n)[:2] for n in self.names if re.search(cont, n)}
                self.assertEqual(len(rows), len(want_b & want_c))

    def test_checker_catches_the_old_names(self):
        """The names before issue 17 (<model>/<scenario>/<variant>): the plain
        filters select cold_pointer's and static_align's records too."""
        old = os.path.join(self.tmp.name, "old.json")
        with open(self.json) as f:
            doc = json.load(f)
        for b in doc["benchmarks"]:
            b["name"] = re.sub(r"align:(\d+)$", r"static_a\1", b["name"]).replace("variant:", "")
        with open(old, "w") as f:
            json.dump(doc, f)
        names = [b["name"] for b in doc["benchmarks"]]
        rows = compare_rows(old, "pointer", "static")
        self.assertNotEqual(bad_pairs(names, rows, "pointer", "static"), [])

    def test_precision_maps_names_to_kcb_bench_records(self):
        """gbench_key() of every name is exactly kcb_bench --list's records."""
        bench = os.path.join(os.path.dirname(GBENCH), "kcb_bench")
        p = subprocess.run([bench, "--list"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        records = sorted(tuple(line.split()[:3]) for line in p.stdout.splitlines())
        key = load_precision().gbench_key
        self.assertEqual(sorted(key(n) for n in self.names), records)


if __name__ == "__main__":
    unittest.main()
