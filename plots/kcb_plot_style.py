"""Shared look for every plot: one fixed colour per variant, hatches for the
asm-generic fallback and projected sequences, PNG+SVG output."""
import io
import os

import matplotlib

matplotlib.use("Agg")  # no display on build machines
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from kcbench.io import write_atomic  # noqa: E402

COLOURS = {
    "pointer": "#d62728",
    "runtime_const": "#1f77b4",
    "runtime_const_zba": "#17becf",
    "runtime_const_zbkb": "#9467bd",
    "projected": "#8c564b",
    "static": "#2ca02c",
    "static_a8": "#98df8a",
    "static_a64": "#1b5e20",
}
_SPARE = ["#ff7f0e", "#e377c2", "#bcbd22", "#7f7f7f"]
HATCH_GENERIC = "//"
HATCH_PROJECTED = "xx"


def colour(variant):
    if variant in COLOURS:
        return COLOURS[variant]
    return _SPARE[sum(map(ord, variant)) % len(_SPARE)]


def hatch(note):
    n = (note or "").lower()
    if "generic" in n:
        return HATCH_GENERIC
    if "projected" in n:
        return HATCH_PROJECTED
    return None


def legend_handles(variants, notes_seen):
    """Colour patches per variant, plus the hatch meanings that occur."""
    hs = [Patch(facecolor=colour(v), label=v) for v in variants]
    for n in sorted(set(notes_seen)):
        h = hatch(n)
        if h:
            hs.append(Patch(facecolor="white", edgecolor="black", hatch=h,
                            label=n))
    return hs


def grouped_bars(ax, groups, variants, value, notes=None, err=None,
                 label_values=True):
    """Bars for each group (x) and variant, packed and centred per group so
    a variant an arch lacks leaves no gap; value(g, v) -> number|None,
    err(g, v) -> (below, above)|None, notes(g, v) -> note text.
    Returns the notes drawn (for the legend)."""
    seen = []
    top = 0.0
    per = [[(v, value(g, v)) for v in variants] for g in groups]
    per = [[(v, y) for v, y in p if y is not None] for p in per]
    width = min(0.8 / max([len(p) for p in per] + [2]), 0.25)
    for gi, g in enumerate(groups):
        present = per[gi]
        for i, (v, y) in enumerate(present):
            x = gi - width * len(present) / 2 + width * (i + 0.5)
            note = notes(g, v) if notes else ""
            h = hatch(note)
            if h:
                seen.append(note)
            e = err(g, v) if err else None
            ax.bar(x, y, width, color=colour(v), edgecolor="black",
                   linewidth=0.4, hatch=h,
                   yerr=None if e is None else [[e[0]], [e[1]]],
                   capsize=2 if e else 0, error_kw={"linewidth": 0.8})
            top = max(top, y + (e[1] if e else 0))
            if label_values:
                ax.annotate(_short(y), (x, y), ha="center", va="bottom",
                            fontsize=6, xytext=(0, 1),
                            textcoords="offset points")
    ax.set_xticks(range(len(groups)))
    ax.set_xlim(-0.6, len(groups) - 0.4)
    if top > 0:
        ax.set_ylim(top=top * 1.12)
    ax.grid(axis="y", linewidth=0.3, alpha=0.6)
    ax.set_axisbelow(True)
    return seen


def fig_legend(fig, handles):
    """One legend below the panels, never over a bar."""
    fig.legend(handles=handles, loc="upper center", ncol=min(len(handles), 6),
               fontsize=8, bbox_to_anchor=(0.5, 0.0), frameon=False)


def _short(y):
    if float(y).is_integer():
        return str(int(y))
    return f"{y:.1f}" if abs(y) >= 10 else f"{y:.2f}"


def save(fig, outdir, name):
    files = {}
    for ext in ("png", "svg"):
        buf = io.BytesIO()
        fig.savefig(buf, dpi=110, bbox_inches="tight", format=ext)
        files[os.path.join(outdir, f"{name}.{ext}")] = buf.getvalue()
    plt.close(fig)
    write_atomic(files)
    return list(files)


def safe_name(s):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)
