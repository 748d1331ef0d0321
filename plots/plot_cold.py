"""The cold-pointer penalty: cold_pointer minus callsite median per variant,
one panel per results file (each in its own unit)."""
import kcb_plot_style as S
from kcb_plot_style import plt
from kcbench.report.facts import measured_index, measured_units, unit_label
from kcbench.vocab import MODELS, VARIANTS, order


def _penalty(idx, model, v, unit):
    a = (idx.get((model, "cold_pointer", v)) or {}).get("metrics", {}).get(unit)
    b = (idx.get((model, "callsite", v)) or {}).get("metrics", {}).get(unit)
    if not a or not b or None in (a.get("median"), b.get("median")):
        return None, None
    d = a["median"] - b["median"]
    if None in (a.get("ci95_lo"), a.get("ci95_hi"), b.get("ci95_lo"),
                b.get("ci95_hi")):
        return d, None
    # conservative bounds: both intervals at their far ends
    lo = a["ci95_lo"] - b["ci95_hi"]
    hi = a["ci95_hi"] - b["ci95_lo"]
    return d, (max(d - lo, 0), max(hi - d, 0))


def plot(res, outdir):
    files = [m for m in res.measured
             if {"cold_pointer", "callsite"} <= {r["scenario"]
                                                 for r in m.records}]
    if not files:
        return [], "no cold_pointer and callsite measurements"
    # a grid, at most 4 panels a row, so eight arches stay readable
    ncol = min(4, len(files))
    nrow = (len(files) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.8 * ncol, 3.8 * nrow),
                             squeeze=False)
    for ax in axes.flat[len(files):]:
        ax.set_visible(False)
    seen, allv = [], []
    for i, m in enumerate(files):
        ax = axes[i // ncol][i % ncol]
        idx = measured_index(m)
        unit = measured_units(m)[0]
        models = order({k[0] for k in idx}, MODELS)
        variants = order({k[2] for k in idx if k[1] == "cold_pointer"},
                         VARIANTS)
        allv += [v for v in variants if v not in allv]
        seen += S.grouped_bars(
            ax, models, variants,
            lambda mo, v: _penalty(idx, mo, v, unit)[0],
            notes=lambda mo, v: (idx.get((mo, "cold_pointer", v)) or {}
                                 ).get("note", ""),
            err=lambda mo, v: _penalty(idx, mo, v, unit)[1])
        ax.set_xticklabels(models)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_ylabel(f"{unit_label(m, unit)} per op")
        how = "QEMU: emulated" if m.qemu else "native"
        ax.set_title(f"{m.arch} on {m.label} ({how})", fontsize=9)
    fig.suptitle("Cold-pointer penalty: cold_pointer minus callsite median "
                 "(error bars: conservative 95% CI bounds)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    S.fig_legend(fig, S.legend_handles(order(allv, VARIANTS), seen))
    return S.save(fig, outdir, "cold_pointer_penalty"), None
