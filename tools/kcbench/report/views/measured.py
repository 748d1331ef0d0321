# SPDX-License-Identifier: GPL-2.0
"""Measured timings of one results file: per unit and model, scenarios down,
variants across."""
from ...results import major_modes
from ...vocab import (CONFIG_NOTES, MODEL_KERNELS, MODELS, SCENARIO_BOUNDS, STATIC_VARIANT,
                      SCENARIOS, UPPER_BOUND, VARIANTS, order, sort_keys)
from ..blocks import Labels, Table
from ..facts import measured_index, measured_units, scenarios_present, unit_label
from ..fmt import fci, fdelta


def measured_tables(m, notes):
    """Per unit and model: scenarios down, variants across, so pointer and
    static sit side by side.  report.txt keeps the primary unit only."""
    idx = measured_index(m)
    scens = [s for s in scenarios_present(m) if s != "static_align"]
    align = [v for v in order({k[2] for k in idx if k[1] == "static_align"},
                              VARIANTS)]
    cold = "cold_pointer" in scens and "callsite" in scens
    ctx = m.ctx
    units = measured_units(m)
    out = []
    for ui, unit in enumerate(units):
        src = next((r["metrics"][unit].get("source") for r in m.records
                    if unit in r["metrics"]
                    and r["metrics"][unit].get("source")), None)
        how = ("QEMU " + (ctx.get("qemu_version") or "?")
               if m.qemu else "native")
        for model in order({k[0] for k in idx}, MODELS):
            variants = order({k[2] for k in idx if k[0] == model
                              and k[1] != "static_align"}, VARIANTS)
            lab = Labels(notes)
            hdr = ["scenario"] + [lab(v) for v in variants]

            def cell(scen, v):
                r = idx.get((model, scen, v))
                met = r["metrics"].get(unit) if r else None
                return met

            rows = []
            for sc in scens:
                rows.append([sc + (" *" if sc in SCENARIO_BOUNDS else "")] + [fci(cell(sc, v)) if cell(sc, v) else "-"
                                    for v in variants])
            if cold:
                row = ["cold - callsite"]
                for v in variants:
                    a, b = cell("cold_pointer", v), cell("callsite", v)
                    ok = a and b and None not in (a.get("median"),
                                                  b.get("median"))
                    row.append(fdelta(a["median"] - b["median"]) if ok
                               else "-")
                rows.append(row)
            if STATIC_VARIANT in variants:
                for av in align:
                    met = cell("static_align", av)
                    if met:
                        rows.append([f"static_align {av[7:]}"] +
                                    [fci(met) if v == STATIC_VARIANT else ""
                                     for v in variants])
            if all(all(c in ("-", "") for c in r[1:]) for r in rows):
                continue
            title = (f"Measured on {m.label} ({how}), {model} ({MODEL_KERNELS.get(model, '?')}) "
                     f"[{unit_label(m, unit)} per op, median [95% CI]"
                     + (f", source {src}" if src else "") + "]")
            leg = lab.legend()
            if cold:
                leg.append("cold - callsite: cold_pointer median minus "
                           "callsite median (the cold-pointer penalty)")
            if align and STATIC_VARIANT in variants:
                leg.append("static_align a8/a64: the static instance "
                           "aligned to 8 / 64 bytes")
            if any(sc in SCENARIO_BOUNDS for sc in scens):
                leg.append(f"* {UPPER_BOUND}")
            leg.append(f"config {m.config}: {CONFIG_NOTES.get(m.config, '?')}")
            leg.append("- = not run for this variant")
            t = ("table", Table(title, hdr, rows, legend=leg))
            out.append(t if ui == 0 else ("md", t))
    # emulated time has no core state to settle in
    moded = modes_line(m, idx, units[0]) if units and not m.qemu else None
    if moded:
        out.append(("p", moded))
    if len(units) > 1:
        out.append(("txt", ("p", f"Also measured on {m.label}: "
                            + ", ".join(units[1:]) + " (in report.md).")))
    if str(ctx.get("pmu", "")).startswith("unavailable"):
        out.append(("p", f"PMU cycles on {m.label}: {ctx['pmu']}; counter "
                         f"used: {ctx.get('counter_source', '?')}."))
    return out


def modes_line(m, idx, unit):
    """The records whose rounds fell into more than one mode, or None."""
    parts = []
    for key in sort_keys(idx, MODELS, SCENARIOS, VARIANTS):
        met = idx[key]["metrics"].get(unit)
        modes = major_modes(met) if met else []
        if len(modes) > 1:
            parts.append(" ".join(key) + " " + " | ".join(
                f"{v:.2f} ({n} of {met['rounds']} rounds)" for v, n in modes))
    if not parts:
        return None
    return (f"Rounds in more than one mode on {m.label} ({unit_label(m, unit)}): "
            + "; ".join(parts) + ". The machine held these in distinct states from round to round "
            "(not sampling noise: the core's, or the memory system's for cold_pointer), so "
            "their median moves with the shares from run to run; "
            "the paired deltas, taken sample by sample, do not (bench/METHOD.md, \"Modes\").")
