# SPDX-License-Identifier: GPL-2.0
"""Several hosts of one arch: one column per host, never averaged."""
from ...vocab import MODELS, SCENARIOS, VARIANTS, order, sort_keys
from ..blocks import Labels, Table
from ..facts import measured_index, measured_units, unit_label
from ..fmt import fci


def hosts_tables(ms, notes):
    """Several hosts for one arch: one column per host, in that host's
    primary unit; numbers are never combined across hosts."""
    idxs = [measured_index(m) for m in ms]
    units = [measured_units(m)[0] for m in ms]
    models = order({k[0] for i in idxs for k in i}, MODELS)
    out = []
    for model in models:
        keys = sort_keys({(k[1], k[2]) for i in idxs for k in i
                          if k[0] == model}, SCENARIOS, VARIANTS)
        lab = Labels(notes)
        rows = []
        for scen, v in keys:
            row = [f"{scen} {lab(v)}"]
            for i, u in zip(idxs, units):
                r = i.get((model, scen, v))
                met = r["metrics"].get(u) if r else None
                row.append(fci(met) if met else "-")
            rows.append(row)
        leg = lab.legend() + [
            f"{m.label}: {unit_label(m, u)} per op, "
            + (f"QEMU {m.ctx.get('qemu_version') or '?'}" if m.qemu
               else "native") + f", {m.ctx.get('cpu_model') or '?'}"
            for m, u in zip(ms, units)]
        out.append(("table", Table(
            f"{model}: each host in its own column (never averaged) "
            "[median [95% CI] per op, unit per host below]",
            ["scenario variant"] + [m.label for m in ms], rows,
            legend=leg)))
    return out
