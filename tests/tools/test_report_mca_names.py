# SPDX-License-Identifier: GPL-2.0
"""The report's llvm-mca table names its three figures as llvm-mca does and
shows them all; a call-site difference that the address alone (kcb_site__*)
does not show is reported as dominated by the code around the call site,
and one the address does show is not."""
import os
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

from kcbench.report.mca_context import around_call_site  # noqa: E402


def rec(cpu, fn, variant, tp, rt=1.5, lat=5, model="sheaves"):
    return dict(cpu=cpu, model=model, fn=fn, variant=variant, unit=f"mca-cycles({cpu})",
                throughput_cycles=tp, block_rthroughput=rt, latency_cycles=lat)


class McaNames(unittest.TestCase):
    def test_table_names_all_three(self):
        s = U.Scratch()
        self.addCleanup(s.cleanup)
        run = s.copy("run1")

        def edit(doc):
            doc["mca"] = [rec("skylake", "callsite", "static", 2.03, 1.8, 5),
                          rec("skylake", "callsite", "runtime_const", 8.03, 2.0, 11),
                          rec("skylake", "site", "static", 0.28, 0.3, 4),
                          rec("skylake", "site", "runtime_const", 0.28, 0.3, 4)]
        U.edit_json(os.path.join(run, "x86_64-static.json"), edit)
        p = U.tool("tools/report", run)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(run, "report.md")) as f:
            md = f.read()
        self.assertIn("Total Cycles/Iterations / Block RThroughput / Total Cycles of 1 iteration", md)
        self.assertRegex(md, r"sheaves runtime\\_const \| 8\.03/2\.00/11 \|")
        with open(os.path.join(run, "report.txt")) as f:
            txt = " ".join(f.read().split())
        self.assertIn("sheaves runtime_const: llvm-mca's kcb_callsite__* figure is dominated "
                      "by the code around the call site", txt)
        self.assertIn("skylake +6.00 vs +0.00", txt)

    def test_address_difference_is_not_flagged(self):
        recs = [rec("znver3", "callsite", "static", 2.0), rec("znver3", "callsite", "pointer", 6.0),
                rec("znver3", "site", "static", 0.3), rec("znver3", "site", "pointer", 4.0)]
        index = {(r["cpu"], r["fn"], r["model"], r["variant"]): r for r in recs}
        self.assertEqual(around_call_site(index, ["znver3"]), [])
        index[("znver3", "site", "sheaves", "pointer")]["throughput_cycles"] = 0.3
        self.assertEqual(len(around_call_site(index, ["znver3"])), 1)


if __name__ == "__main__":
    unittest.main()
