"""Measured per-op cost with 95% CI, by scenario and variant: one figure per
(arch, host) results file, in its primary unit."""
import kcb_plot_style as S
from kcb_plot_style import plt
from kcbench.report.facts import measured_index, measured_units, unit_label
from kcbench.vocab import MODELS, SCENARIOS, VARIANTS, order


def _err(met):
    if not met or None in (met.get("median"), met.get("ci95_lo"),
                           met.get("ci95_hi")):
        return None
    return (max(met["median"] - met["ci95_lo"], 0),
            max(met["ci95_hi"] - met["median"], 0))


def plot_one(m, outdir):
    idx = measured_index(m)
    unit = measured_units(m)[0]
    models = order({k[0] for k in idx}, MODELS)
    scens = order({k[1] for k in idx}, SCENARIOS)
    variants = order({k[2] for k in idx}, VARIANTS)
    fig, axes = plt.subplots(len(models), 1,
                             figsize=(max(8, 1.6 * len(scens) + 2),
                                      3.4 * len(models)), squeeze=False)
    seen = []
    for i, model in enumerate(models):
        ax = axes[i][0]

        def met(s, v, model=model):
            r = idx.get((model, s, v))
            return r["metrics"].get(unit) if r else None

        seen += S.grouped_bars(
            ax, scens, variants,
            lambda s, v: (met(s, v) or {}).get("median"),
            notes=lambda s, v, model=model: (idx.get((model, s, v)) or {}
                                             ).get("note", ""),
            err=lambda s, v: _err(met(s, v)), label_values=False)
        ax.set_xticklabels(scens)
        vals = [(met(s, v) or {}).get("median") for s in scens for v in variants]
        vals = [x for x in vals if x is not None]
        # a cold line (hundreds of cycles) would flatten every other bar
        log = vals and min(vals) > 0 and max(vals) / min(vals) > 10
        if log:
            ax.set_yscale("log", nonpositive="clip")
            ax.set_ylim(min(vals) / 2, max(vals) * 2)
        ax.set_ylabel(f"{unit_label(m, unit)} per op" + (" (log scale)" if log else ""))
        ax.set_title(f"{model}: median with 95% CI", fontsize=9)
    how = (f"under QEMU {m.ctx.get('qemu_version') or ''}: emulated, not "
           "cycles" if m.qemu else "native")
    src = next((r["metrics"][unit].get("source") for r in m.records
                if unit in r["metrics"]), "")
    fig.suptitle(f"{m.arch} on {m.label} ({how}): {unit} per op"
                 f"{' (source ' + src + ')' if src else ''}", fontsize=10)
    present = [v for v in variants]
    fig.tight_layout()
    S.fig_legend(fig, S.legend_handles(present, seen))
    return S.save(fig, outdir, S.safe_name(f"measured-{m.arch}-{m.label}"))


def plot(res, outdir):
    if not res.measured:
        return [], "no measured results"
    out = []
    for m in res.measured:
        out += plot_one(m, outdir)
    return out, None
