"""llvm-mca estimates by CPU model: throughput and latency per arch."""
import kcb_plot_style as S
from kcb_plot_style import plt
from kcbench.report.facts import all_notes, mca_cpus, mca_recs
from kcbench.vocab import MODELS, VARIANTS, order

FN = "callsite"


def plot(res, outdir):
    arches = [a for a in res.arches() if a in res.static
              and mca_cpus(res.static[a])[0]]
    if not arches:
        return [], "no llvm-mca estimates"
    fig, axes = plt.subplots(len(arches), 2,
                             figsize=(11, 2.9 * len(arches)), squeeze=False)
    seen, allv = [], []
    for i, a in enumerate(arches):
        st = res.static[a]
        cpus, none = mca_cpus(st)
        recs = mca_recs(st)
        vnotes = all_notes(res, a)  # mca rows carry no note of their own
        model = order({k[2] for k in recs if k[1] == FN}, MODELS)[0]
        variants = order({k[3] for k in recs if k[1] == FN and k[2] == model},
                         VARIANTS)
        allv += [v for v in variants if v not in allv]
        for j, (field, what) in enumerate((("throughput_cycles",
                                            "throughput"),
                                           ("latency_cycles", "latency"))):
            ax = axes[i][j]
            seen += S.grouped_bars(
                ax, cpus, variants,
                lambda c, v, f=field: (recs.get((c, FN, model, v)) or {}
                                       ).get(f),
                notes=lambda c, v: vnotes.get(v, ""))
            ax.set_xticklabels(cpus, fontsize=8)
            ax.set_ylabel("mca-cycles(cpu)")
            # name what is missing: a variant LLVM cannot schedule on a CPU
            gaps = sorted({f"{r.get('variant')} on {r['cpu']}"
                           for r in st.doc.get("mca") or []
                           if r.get("status") == "no model"
                           and r.get("fn") in (FN, None)
                           and r.get("model") in (model, None)})
            nm = f"\nno model: {'; '.join(gaps)}" if gaps else ""
            ax.set_title(f"{a}, kcb_{FN}__{model}__*: {what} per "
                         f"iteration{nm}", fontsize=9)
    fig.suptitle("llvm-mca estimates per CPU model [mca-cycles(cpu), "
                 "estimates, not measurements]",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.98))  # keep the suptitle clear
    S.fig_legend(fig, S.legend_handles(order(allv, VARIANTS), seen))
    return S.save(fig, outdir, "mca"), None
