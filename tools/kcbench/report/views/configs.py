# SPDX-License-Identifier: GPL-2.0
"""The configs side by side: distro and minimal (kernels/include/kconfig.h).
Measured: the headline scenarios' paired differences against static, per
host.  Static: QEMU instructions per op and the first llvm-mca CPU's
headline figure of the callsite hot path, per arch."""
from ...vocab import CONFIG_NOTES, CONFIGS, MODELS, POINTER_VARIANT, SCENARIO_BOUNDS, STATIC_VARIANT, order
from ..blocks import Table, model_variant_rows
from ..facts import mca_cpus, mca_recs, measured_units, paired_index, qemu_recs, unit_label
from ..fmt import fci, fnum

HEAD_SCENARIOS = ("callsite", "latency")
HEAD_VARIANTS = (POINTER_VARIANT, "runtime_const")


def configs_table(ms):
    """One table per host that has more than one config: rows per model,
    scenario and config; columns pointer - static, runtime_const - static."""
    out = []
    for host in order({m.host for m in ms}, []):
        mine = [m for m in ms if m.host == host and not m.qemu]
        if len({m.config for m in mine}) < 2:
            continue
        # the first unit every config's file has: a run that refused cycles
        # (ticks only) still sits beside one that did not
        units = [u for u in measured_units(mine[0]) if all(u in measured_units(m) for m in mine)]
        if not units:
            continue
        unit = units[0]
        by_cfg = {m.config: m for m in mine}
        rows = []
        for model in MODELS:
            for scen in HEAD_SCENARIOS:
                for cfg in order(by_cfg, CONFIGS):
                    m = by_cfg[cfg]
                    pi = paired_index(m)
                    cells = []
                    for v in HEAD_VARIANTS:
                        met = (pi.get((model, scen, v, STATIC_VARIANT)) or {}).get(
                            "metrics", {}).get(unit)
                        cells.append(fci(met) if met else "-")
                    if any(c != "-" for c in cells):
                        mark = " *" if scen in SCENARIO_BOUNDS else ""
                        rows.append([model, scen + mark, cfg] + cells)
        if not rows:
            continue
        leg = [f"{c}: {CONFIG_NOTES.get(c, '?')}" for c in order(by_cfg, CONFIGS)]
        if any(s in SCENARIO_BOUNDS for s in HEAD_SCENARIOS):
            leg.append("* " + next(iter(SCENARIO_BOUNDS.values())))
        leg.append("- = not measured in that config")
        out.append(("table", Table(
            f"distro vs minimal on {host} [{unit_label(mine[0], unit)} per op, "
            "paired median [95% CI] against static]",
            ["model", "scenario", "config"] + [f"{v} - static" for v in HEAD_VARIANTS],
            rows, key=3, legend=leg)))
    return out


STATIC_FN = "callsite"


def _num(rec, field):
    return fnum(rec[field]) if rec and rec.get(field) is not None else None


def configs_static_table(st, notes):
    """distro and minimal per (model, variant) of one arch's static file:
    QEMU insns per op and mca-cycles of kcb_callsite__*; None when the file
    has neither config's figures twice."""
    q = {c: qemu_recs(st, c) for c in CONFIGS}
    ok, _ = mca_cpus(st)
    cpu = ok[0] if ok else None
    m = {c: mca_recs(st, c) for c in CONFIGS} if cpu else {}
    cols, cells = [], []
    if all(any(k[0] == STATIC_FN for k in q[c]) for c in CONFIGS):
        for c in CONFIGS:
            cols.append(f"Q {c}")
            cells.append(lambda model, v, c=c: _num(q[c].get((STATIC_FN, model, v)), "insns_per_op"))
    if cpu and all(any(k[0] == cpu and k[1] == STATIC_FN for k in m[c]) for c in CONFIGS):
        for c in CONFIGS:
            cols.append(f"M {c}")
            cells.append(lambda model, v, c=c: _num(m[c].get((cpu, STATIC_FN, model, v)),
                                                    "throughput_cycles"))
    if not cols:
        return None
    pairs = {(k[1], k[2]) for k in q[CONFIGS[0]] if k[0] == STATIC_FN}
    pairs |= {(k[2], k[3]) for k in m.get(CONFIGS[0], {}) if k[1] == STATIC_FN}

    rows, lab = model_variant_rows(pairs, cols, lambda model, v, col: cells[cols.index(col)](model, v),
                                   notes)
    leg = lab.legend() + [f"{c}: {CONFIG_NOTES.get(c, '?')}" for c in CONFIGS]
    leg.append("Q: QEMU, all executed insns per op, the allocator included [qemu-insns]")
    if any(c.startswith("M ") for c in cols):
        leg.append(f"M: llvm-mca Total Cycles/Iterations of the kcb_{STATIC_FN}__* "
                   f"symbol [mca-cycles({cpu})], an estimate; the allocator is out of "
                   "line and not in the block, so the configs differ only where the "
                   "symbol's own code does")
    return Table(f"distro vs minimal, kcb_{STATIC_FN}__* [qemu-insns per op"
                 + (f"; mca-cycles({cpu})" if any(c.startswith("M ") for c in cols) else "")
                 + "]", ["model variant"] + cols, rows, legend=leg)
