# SPDX-License-Identifier: GPL-2.0
"""kcb_bench's paired differences (variant - baseline) of one results file."""
from ..blocks import Table
from ..facts import measured_units, unit_label
from ..fmt import fci


def paired_table(m):
    """kcb_bench's paired differences: variant - static from samples taken
    back to back, so a slow spell of the machine hits both sides."""
    ds = m.doc.get("deltas") or []
    if not ds:
        return []
    unit = measured_units(m)[0]
    rows = []
    for d in ds:
        met = d.get("metrics", {}).get(unit)
        if not met:
            continue
        rows.append([d["model"], d["scenario"],
                     f"{d['variant']} - {d['baseline']}", fci(met)])
    if not rows:
        return []
    return [("table", Table(
        f"Paired differences on {m.label} [{unit_label(m, unit)} per op, "
        "median [95% CI] of back-to-back sample pairs]",
        ["model", "scenario", "variant - baseline", "difference"], rows,
        legend=["each sample of the variant was taken right after one of "
                "the baseline, in the same round; the CI excludes 0 when "
                "the difference is real"]))]
