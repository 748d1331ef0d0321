# SPDX-License-Identifier: GPL-2.0
"""llvm-mca estimates [mca-cycles(<cpu>)] of one function's hot paths."""
from ...vocab import SCENARIO_FNS, order
from ..blocks import Table, model_variant_rows
from ..facts import mca_cpus, mca_recs
from ..fmt import fnum
from ..mca_context import around_call_site


def mca_blocks(st, notes):
    ok, none = mca_cpus(st)
    recs = mca_recs(st)
    blocks = []
    if ok:
        fns = order({k[1] for k in recs}, SCENARIO_FNS)
        fn = fns[0]

        def cell(model, v, cpu):
            r = recs.get((cpu, fn, model, v))
            return r and (f"{fnum(r['throughput_cycles'])}/"
                          f"{'?' if r.get('block_rthroughput') is None else fnum(r['block_rthroughput'])}/"
                          f"{fnum(r.get('latency_cycles'))}")
        rows, lab = model_variant_rows({(k[2], k[3]) for k in recs if k[1] == fn},
                                       ok, cell, notes)
        mca = st.ctx.get("llvm_mca") or "llvm-mca"
        blocks.append(("table", Table(
            f"llvm-mca estimates for kcb_{fn}__* [mca-cycles(<cpu>): "
            f"Total Cycles/Iterations / Block RThroughput / Total Cycles "
            f"of 1 iteration, {mca}]",
            ["model variant"] + ok, rows,
            legend=lab.legend() + [
                "llvm-mca's names: Total Cycles/Iterations at 100 "
                "iterations (the headline figure: steady state, loop-carried "
                "dependencies included); Block RThroughput (resource "
                "bound only); Total Cycles at 1 iteration (one pass, "
                "pipeline fill included); estimates, not measurements; "
                "? = not in this static file"])))
        for line in around_call_site(recs, ok):
            blocks.append(("p", line))
    for cpu, why in none:
        blocks.append(("p", f"llvm-mca {cpu}: no model ({why})"))
    if not ok and not none:
        blocks.append(("p", "llvm-mca: skipped: no estimates in the static "
                            "results"))
    return blocks
