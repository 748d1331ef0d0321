"""Bytes per call site and hot-path bytes, by arch and variant."""
import kcb_plot_style as S
from kcb_plot_style import plt
from kcbench.report.facts import site_rows, symbols
from kcbench.vocab import MODELS, VARIANTS, order


def plot(res, outdir):
    arches = [a for a in res.arches() if a in res.static]
    if not arches:
        return [], "no static results"
    site = {}
    for a in arches:
        for r in site_rows(res.static[a]):
            site.setdefault((a, r["variant"]), r)  # collapsed or first model
    syms = {a: symbols(res.static[a]) for a in arches}
    models = order({k[1] for a in arches for k in syms[a]
                    if k[0] == "callsite"}, MODELS)
    variants = order({v for _, v in site} |
                     {k[2] for a in arches for k in syms[a]
                      if k[0] == "callsite"}, VARIANTS)
    variants = [v for v in variants if not v.startswith("static_a")]

    fig, axes = plt.subplots(1 + len(models), 1,
                             figsize=(max(8, 1.3 * len(arches) + 3),
                                      3.2 * (1 + len(models))),
                             squeeze=False)
    ax = axes[0][0]
    seen = S.grouped_bars(
        ax, arches, variants,
        lambda a, v: site[(a, v)]["bytes"] if (a, v) in site else None,
        notes=lambda a, v: site[(a, v)]["note"] if (a, v) in site else "")
    ax.set_xticklabels(arches)
    ax.set_ylabel("bytes per call site")
    ax.set_title("Bytes to materialise the cache address per call site "
                 "(objdump of kcb_site__*)")
    for i, model in enumerate(models):
        ax = axes[i + 1][0]

        def val(a, v, model=model):
            r = syms[a].get(("callsite", model, v))
            return r["bytes"] if r else None

        def note(a, v, model=model):
            r = syms[a].get(("callsite", model, v))
            return (r or {}).get("note", "")

        seen += S.grouped_bars(ax, arches, variants, val, notes=note)
        ax.set_xticklabels(arches)
        ax.set_ylabel("bytes")
        ax.set_title(f"Hot-path bytes, kcb_callsite__{model}__<variant> "
                     "(objdump symbol size)")
    fig.tight_layout()
    S.fig_legend(fig, S.legend_handles(variants, seen))
    return S.save(fig, outdir, "bytes"), None
