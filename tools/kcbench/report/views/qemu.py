# SPDX-License-Identifier: GPL-2.0
"""QEMU executed instructions per op [qemu-insns], per function."""
from ...vocab import SCENARIO_FNS, order
from ..blocks import Table, model_variant_rows
from ..facts import qemu_recs
from ..fmt import fnum


def qemu_table(st, notes):
    q = qemu_recs(st)
    qa = st.doc.get("qemu") or {}
    if not q:
        why = qa.get("reason") or "no records"
        return ("p", f"QEMU executed instructions per op: skipped: {why}")
    fns = order({k[0] for k in q}, SCENARIO_FNS)

    def cell(model, v, f):
        r = q.get((f, model, v))
        if not r:
            return None
        hp = r.get("hotpath_insns_per_op")
        return (fnum(r.get("insns_per_op")) +
                (f" ({fnum(hp)})" if hp is not None else ""))
    rows, lab = model_variant_rows({(k[1], k[2]) for k in q}, fns, cell, notes)
    ctx = st.ctx
    qv = ctx.get("qemu_version") or "?"
    cpu = ctx.get("qemu_cpu") or "default"
    return Table(f"QEMU executed instructions per op [qemu-insns, TCG plugin, "
                 f"QEMU {qv}, -cpu {cpu}]", ["model variant"] + fns, rows,
                 legend=lab.legend() + [
                     "cell: all insns per op (insns inside the hot-path "
                     "symbol per op)"])
