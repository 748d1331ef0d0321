# SPDX-License-Identifier: GPL-2.0
"""tools/report with both configs of one host: the distro vs minimal table
and the headline carry both, each labelled with its config."""
import os
import shutil
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

SRC = "x86_64-fixture-x86.json"


def _as_config(config, pointer_delta):
    def fn(doc):
        doc["context"]["config"] = config
        unit = doc["records"][0]["primary"]
        doc["deltas"] = [{"model": "sheaves", "scenario": "latency", "variant": "pointer",
                          "baseline": "static", "pairs": 9,
                          "metrics": {unit: {"min": pointer_delta - 1, "median": pointer_delta,
                                             "ci95_lo": pointer_delta - 0.5,
                                             "ci95_hi": pointer_delta + 0.5}}}]
    return fn


def _static_both_configs(doc):
    """QEMU counts and mca records of both configs for the callsite fn"""
    doc["qemu"] = {"available": True, "reason": "fixture", "records": [
        {"fn": "callsite", "model": "sheaves", "variant": v, "config": c, "ops": 1000,
         "insns_per_op": n + (0 if c == "distro" else -29), "hotpath_insns_per_op": 9}
        for v, n in (("pointer", 166), ("static", 165)) for c in ("distro", "minimal")]}
    doc["mca"] += [dict(r, config="minimal", throughput_cycles=r["throughput_cycles"] + 1)
                   for r in doc["mca"] if r.get("fn") == "callsite" and "throughput_cycles" in r]


class ReportConfigs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = U.Scratch()
        run = cls.s.copy("run1")
        src = os.path.join(run, SRC)
        minimal = os.path.join(run, "x86_64-fixture-x86-minimal.json")
        shutil.copy(src, minimal)
        U.edit_json(src, _as_config("distro", 7.25))
        U.edit_json(minimal, _as_config("minimal", 3.75))
        U.edit_json(os.path.join(run, "x86_64-static.json"), _static_both_configs)
        cls.proc = U.tool("tools/report", run)
        with open(os.path.join(run, "report.md")) as f:
            cls.md = f.read().replace("\\_", "_").replace("\\*", "*")

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def test_side_by_side(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertIn("distro vs minimal on fixture-x86", self.md)
        self.assertIn("| sheaves | latency * | distro | 7.25 [6.75,7.75] |", self.md)
        self.assertIn("| sheaves | latency * | minimal | 3.75 [3.25,4.25] |", self.md)

    def test_static_side_by_side(self):
        """QEMU counts and mca estimates of both configs, one row per variant"""
        self.assertIn("distro vs minimal, kcb_callsite__* [qemu-insns per op; mca-cycles(skylake)]",
                      self.md)
        self.assertIn("| sheaves pointer | 166 | 137 | 7.50 | 8.50 |", self.md)
        self.assertIn("| sheaves static | 165 | 136 |", self.md)

    def test_every_heading_names_its_config(self):
        for cfg in ("distro", "minimal"):
            self.assertIn(f"Measured on fixture-x86 [{cfg}] (native)", self.md)
            self.assertIn(f"Measured on fixture-x86 [{cfg}] [", self.md)  # headline


if __name__ == "__main__":
    unittest.main()
