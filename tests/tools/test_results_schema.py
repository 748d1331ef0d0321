#!/usr/bin/python3
"""tools/kcb_results.py: valid files of both kinds load; each kind of damage
is rejected with one line that names the field."""
import copy
import json
import os
import subprocess
import tempfile
import unittest

try:
    from . import kcb_tools_testutil as U  # noqa: F401  (puts tools/ on path)
except ImportError:
    import kcb_tools_testutil as U  # noqa: F401

from kcbench import results as kcb_results
from kcbench.io import KcbError

TOOLS = os.path.join(U.REPO, "tools")


def metric(med, unit_samples=None):
    s = unit_samples or [med - 0.2, med - 0.1, med, med + 0.1, med + 0.3]
    return {"source": "test", "samples": s, "min": min(s), "median": med,
            "ci95_lo": min(s), "ci95_hi": max(s), "overhead": 1.0}


def measured(execution="native"):
    ctx = {"host": "h", "cpu_model": "cpu", "cores": 2, "kernel": "Linux 6.1",
           "arch": "x86_64", "triple": "x86_64-linux-gnu", "compiler": "gcc 12",
           "flags": "-O2", "execution": execution,
           "qemu_version": "7.2.22" if execution == "qemu" else None,
           "qemu_cpu": "default" if execution == "qemu" else None,
           "counter_source": "tsc-ticks", "counter_note": "PMU cycles unavailable",
           "pmu": "unavailable: no PMU", "ticks_per_cycle": 0.7, "governor": None,
           "date": "2026-01-01T00:00:00Z", "git_rev": "abc", "command": "kcb_bench"}
    if execution == "qemu":
        mets, prim = {"emulated-ns": metric(40.0)}, "emulated-ns"
    else:
        mets = {"calibrated-cycles": metric(30.0), "tsc-ticks": metric(21.0),
                "ns": metric(8.0)}
        prim = "calibrated-cycles"
    recs = []
    for v in ("pointer", "static"):
        recs.append({"model": "sheaves", "scenario": "latency", "variant": v,
                     "note": "", "ops_per_iter": 1, "primary": prim,
                     "metrics": copy.deepcopy(mets)})
    return {"schema_version": 1, "kind": "measured", "context": ctx, "records": recs}


def static():
    site = {"model": "sheaves", "variant": "pointer", "note": "", "bytes": 7,
            "insns": 1, "sequence": ["mov 0x0(%rip),%rdi"]}
    return {"schema_version": 1, "kind": "static",
            "context": {"arch": "x86_64", "triple": "x86_64-linux-gnu",
                        "objdump": "objdump 2.40", "llvm_mca": None,
                        "qemu_version": None, "qemu_cpu": None, "flags": "-O2"},
            "symbols": [{"symbol": "kcb_site__sheaves__pointer", "fn": "site",
                         "model": "sheaves", "variant": "pointer", "note": "",
                         "bytes": 11, "insns": 2}],
            "sites": [site], "sites_kernel_cmodel": [dict(site)],
            "qemu": {"available": True, "reason": "",
                     "records": [{"model": "sheaves", "fn": "callsite",
                                  "variant": "pointer", "insns_per_op": 40.0,
                                  "hotpath_insns_per_op": 12.0, "ops": 1000}]},
            "mca": [{"cpu": "znver4", "model": "sheaves", "fn": "callsite",
                     "variant": "pointer", "throughput_cycles": 7.5,
                     "latency_cycles": 14.0},
                    {"cpu": "foo", "status": "no model", "reason": "unknown cpu"}],
            "bloat": [{"variant": "static", "baseline": "pointer", "up": 1,
                       "down": 2, "net": -4,
                       "rows": [{"symbol": "x", "old": 10, "new": 6, "delta": -4},
                                {"symbol": "y", "old": None, "new": 3, "delta": 3}]}]}


def bad(test, doc, fragment):
    with test.assertRaises(KcbError) as cm:
        kcb_results.validate(doc, "f.json")
    msg = str(cm.exception)
    test.assertNotIn("\n", msg)
    test.assertTrue(msg.startswith("f.json: "), msg)
    test.assertIn(fragment, msg)


class Measured(unittest.TestCase):
    def test_valid_native_and_qemu(self):
        kcb_results.validate(measured())
        kcb_results.validate(measured("qemu"))
        d = measured()
        for m in d["records"][0]["metrics"].values():
            m["samples"] = 301  # a count is allowed too
        kcb_results.validate(d)

    def test_version_and_kind(self):
        d = measured(); d["schema_version"] = 2
        bad(self, d, "schema_version 2")
        d = measured(); d["schema_version"] = True
        bad(self, d, "schema_version")
        d = measured(); d["kind"] = "other"
        bad(self, d, "kind")

    def test_context(self):
        d = measured(); del d["context"]["counter_source"]
        bad(self, d, "context.counter_source missing")
        d = measured(); d["context"]["execution"] = "vm"
        bad(self, d, "context.execution")
        d = measured(); d["context"]["pmu"] = ""
        bad(self, d, "context.pmu")
        d = measured(); d["context"]["cores"] = 0
        bad(self, d, "context.cores")
        d = measured(); d["context"]["ticks_per_cycle"] = None
        bad(self, d, "calibrated-cycles without context.ticks_per_cycle")
        d = measured("qemu"); d["context"]["qemu_version"] = None
        bad(self, d, "qemu_version")

    def test_records(self):
        d = measured(); d["records"] = []
        bad(self, d, "records is empty")
        d = measured(); d["records"][0]["scenario"] = "warm"
        bad(self, d, "scenario 'warm'")
        d = measured(); d["records"][1]["variant"] = "pointer"
        bad(self, d, "appears twice")
        d = measured(); d["records"][0]["primary"] = "pmu-cycles"
        bad(self, d, "primary unit 'pmu-cycles'")
        d = measured(); d["records"][0]["ops_per_iter"] = 0
        bad(self, d, "ops_per_iter")
        d = measured()
        d["records"][0].update(samples_taken=1000, samples_used=870)
        kcb_results.validate(d)
        d["records"][0]["samples_used"] = 1001
        bad(self, d, "samples_used 1001 > samples_taken 1000")

    def test_metrics(self):
        d = measured(); d["records"][0]["metrics"]["ns"]["median"] = None
        bad(self, d, "metrics.ns.median is not a finite number")
        d = measured(); d["records"][0]["metrics"]["ns"]["ci95_lo"] = 99
        bad(self, d, "min <= ci95_lo <= median <= ci95_hi")
        d = measured(); d["records"][0]["metrics"]["ns"]["samples"] = []
        bad(self, d, "samples is an empty list")
        d = measured(); d["records"][0]["metrics"]["ns"]["source"] = ""
        bad(self, d, "source is empty")

    def test_round_modes(self):
        def with_modes(modes, rounds=50):
            d = measured()
            m = d["records"][0]["metrics"]["calibrated-cycles"]
            m["rounds"] = rounds
            m["round_modes"] = modes
            return d, m
        d, m = with_modes([{"value": 18.3, "rounds": 31}, {"value": 22.0, "rounds": 19}])
        kcb_results.validate(d)
        self.assertEqual(kcb_results.major_modes(m), [(18.3, 31), (22.0, 19)])
        d, m = with_modes([{"value": 18.3, "rounds": 49}, {"value": 40.0, "rounds": 1}])
        self.assertEqual(kcb_results.major_modes(m), [(18.3, 49)])  # a lone round is not a mode
        d, m = with_modes([{"value": 18.3, "rounds": 3}, {"value": 22.0, "rounds": 2}], rounds=5)
        kcb_results.validate(d)
        self.assertEqual(kcb_results.major_modes(m), [])  # --quick's 5 rounds make none
        d, _ = with_modes([{"value": 18.3, "rounds": 31}, {"value": 22.0, "rounds": 18}])
        bad(self, d, "calibrated-cycles.round_modes hold 49 rounds, its rounds says 50")
        d, _ = with_modes([{"value": 22.0, "rounds": 19}, {"value": 18.3, "rounds": 31}])
        bad(self, d, "round_modes are not ascending")
        d, _ = with_modes([{"value": 18.3, "rounds": 0}, {"value": 22.0, "rounds": 50}])
        bad(self, d, "round_modes[0].rounds")
        d, m = with_modes([{"value": 18.3, "rounds": 50}])
        del m["rounds"]
        bad(self, d, "calibrated-cycles.rounds missing")

    def test_round_medians(self):
        d = measured()
        m = d["records"][0]["metrics"]["calibrated-cycles"]
        m["rounds"] = 3
        m["round_medians"] = [56.4, 95.0, 56.3]
        kcb_results.validate(d)
        m["round_medians"] = [56.4, 95.0]
        bad(self, d, "calibrated-cycles.round_medians has 2 values, its rounds says 3")
        m["round_medians"] = [56.4, "95", 56.3]
        bad(self, d, "round_medians holds a non-number")
        del m["rounds"]
        m["round_medians"] = [56.4]
        bad(self, d, "calibrated-cycles.rounds missing")

    def test_honest_units(self):
        d = measured("qemu")
        d["records"][0]["metrics"]["calibrated-cycles"] = metric(3.0)
        bad(self, d, "never cycles")
        d = measured()
        d["records"][0]["metrics"]["emulated-ns"] = metric(3.0)
        bad(self, d, "'emulated-ns' in a native run")


    def test_deltas(self):
        def with_delta():
            d = measured()
            d["deltas"] = [{"model": "sheaves", "scenario": "latency",
                            "variant": "pointer", "baseline": "static",
                            "pairs": 1000,
                            "metrics": {"calibrated-cycles": {
                                "min": 1.0, "median": 4.4, "ci95_lo": 4.0,
                                "ci95_hi": 4.9}}}]
            return d
        kcb_results.validate(with_delta())
        d = with_delta(); d["deltas"][0]["baseline"] = "static_a8"
        bad(self, d, "(sheaves, latency, static_a8) is not in records")
        d = with_delta(); d["deltas"][0]["pairs"] = 0
        bad(self, d, "deltas[0].pairs")
        d = with_delta()
        d["deltas"][0]["metrics"]["calibrated-cycles"]["ci95_hi"] = 4.0
        bad(self, d, "ci95_lo <= median <= ci95_hi")
        d = with_delta(); d["deltas"] = {}
        bad(self, d, "deltas is not a list")


class Static(unittest.TestCase):
    def test_valid(self):
        kcb_results.validate(static())
        d = static(); del d["sites_kernel_cmodel"]
        kcb_results.validate(d)
        d = static(); d["qemu"] = {"available": False, "reason": "native arch"}
        kcb_results.validate(d)

    def test_damage(self):
        d = static(); d["symbols"][0]["bytes"] = -1
        bad(self, d, "symbols[0].bytes")
        d = static(); d["sites"][0]["sequence"] = [1]
        bad(self, d, "sites[0].sequence")
        d = static(); d["qemu"]["available"] = "yes"
        bad(self, d, "qemu.available")
        d = static(); del d["qemu"]["records"]
        bad(self, d, "qemu.records missing")
        d = static(); d["mca"][1]["status"] = "broken"
        bad(self, d, "mca[1].status")
        d = static(); d["bloat"][0]["rows"][0]["delta"] = 1.5
        bad(self, d, "bloat[0].rows[0].delta")
        d = static(); d["context"]["arch"] = "vax"
        bad(self, d, "context.arch 'vax'")


class Files(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        p = os.path.join(self.tmp.name, name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p

    def test_load_ok(self):
        p = self.write("ok.json", json.dumps(measured()))
        self.assertEqual(kcb_results.load(p)["kind"], "measured")

    def test_load_bad_files(self):
        for name, text, frag in (("empty.json", "", "empty file"),
                                 ("trunc.json", json.dumps(measured())[:200], "not valid JSON"),
                                 ("list.json", "[]", "top level")):
            p = self.write(name, text)
            with self.assertRaises(KcbError) as cm:
                kcb_results.load(p)
            self.assertIn(frag, str(cm.exception))
            self.assertNotIn("\n", str(cm.exception))
        with self.assertRaises(KcbError):
            kcb_results.load(os.path.join(self.tmp.name, "missing.json"))

    def test_cli(self):
        good = self.write("ok.json", json.dumps(static()))
        d = measured(); d["records"][0]["metrics"]["ns"]["median"] = "fast"
        badp = self.write("bad.json", json.dumps(d))
        exe = os.path.join(TOOLS, "kcb_results.py")
        r = subprocess.run(["/usr/bin/python3", exe, good], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ok:", r.stdout)
        r = subprocess.run(["/usr/bin/python3", exe, good, badp], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("metrics.ns.median", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()
