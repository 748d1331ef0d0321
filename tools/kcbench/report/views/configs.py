# SPDX-License-Identifier: GPL-2.0
"""The configs side by side: distro and minimal (kernels/include/kconfig.h)
of one host, the headline scenarios' paired differences against static."""
from ...vocab import CONFIG_NOTES, CONFIGS, MODELS, POINTER_VARIANT, SCENARIO_BOUNDS, STATIC_VARIANT, order
from ..blocks import Table
from ..facts import measured_units, paired_index, unit_label
from ..fmt import fci

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
        unit = measured_units(mine[0])[0]
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
