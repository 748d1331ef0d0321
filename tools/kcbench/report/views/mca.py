# SPDX-License-Identifier: GPL-2.0
"""llvm-mca estimates [mca-cycles(<cpu>)] of one function's hot paths."""
from ...vocab import SCENARIO_FNS, order
from ..blocks import Table, model_variant_rows
from ..facts import mca_cpus, mca_recs
from ..fmt import fnum


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
                          f"{fnum(r.get('latency_cycles'))}")
        rows, lab = model_variant_rows({(k[2], k[3]) for k in recs if k[1] == fn},
                                       ok, cell, notes)
        mca = st.ctx.get("llvm_mca") or "llvm-mca"
        blocks.append(("table", Table(
            f"llvm-mca estimates for kcb_{fn}__* [mca-cycles(<cpu>): "
            f"throughput/latency per iteration, {mca}]",
            ["model variant"] + ok, rows,
            legend=lab.legend() + [
                "throughput = Total Cycles / Iterations; latency = the "
                "critical path of one iteration (estimates, not "
                "measurements)"])))
    for cpu, why in none:
        blocks.append(("p", f"llvm-mca {cpu}: no model ({why})"))
    if not ok and not none:
        blocks.append(("p", "llvm-mca: skipped: no estimates in the static "
                            "results"))
    return blocks
