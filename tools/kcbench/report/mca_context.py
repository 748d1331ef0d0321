# SPDX-License-Identifier: GPL-2.0
"""Where an llvm-mca call-site figure is dominated by the code around the call
site: a variant's Total Cycles / Iterations of kcb_callsite__* differs from
the static variant's, while the address alone (kcb_site__*) does not differ
as much.  Register choice, spills and stack traffic around the allocator
call then make the difference, not the way the cache address is formed
(x86-64 runtime_const: the movabs'd constant is kept in a callee-saved
register across the call, and its push/pop is what mca charges).
"""
from ..vocab import FNS, STATIC_VARIANT

# mca-cycles: below this, a difference is llvm-mca rounding, not code
MARGIN = 0.5
SITE, CALLSITE = FNS[:2]  # kcb_site__* (the address alone), kcb_callsite__*
BASELINE = STATIC_VARIANT


def around_call_site(recs, cpus):
    """recs: {(cpu, fn, model, variant): mca record}. One line per variant
    (and models with the same figures) whose kcb_callsite__* figure vs static
    is dominated by the code around the call site: that code adds more than
    the address itself.  Names the CPUs and both differences."""
    found = {}
    for (cpu, fn, model, variant), r in recs.items():
        if fn != CALLSITE or variant == BASELINE or cpu not in cpus:
            continue
        base = recs.get((cpu, CALLSITE, model, BASELINE))
        site, site_base = recs.get((cpu, SITE, model, variant)), recs.get((cpu, SITE, model, BASELINE))
        if not (base and site and site_base):
            continue
        d_call = r["throughput_cycles"] - base["throughput_cycles"]
        d_site = site["throughput_cycles"] - site_base["throughput_cycles"]
        # dominated: the code around the site adds more than the site itself
        if abs(d_call) >= 1 and abs(d_call - d_site) > abs(d_site) + MARGIN:
            found.setdefault((model, variant), []).append(f"{cpu} {d_call:+.2f} vs {d_site:+.2f}")
    models = {}  # the same figures for several models: one line
    for (model, variant), v in sorted(found.items()):
        models.setdefault((variant, tuple(v)), []).append(model)
    return [f"{', '.join(ms)} {variant}: llvm-mca's kcb_callsite__* figure is dominated by "
            f"the code around the call site (Total Cycles/Iterations, {variant} - static, call "
            f"site vs the address alone in kcb_site__*: {'; '.join(v)}); see bench/METHOD.md"
            for (variant, v), ms in models.items()]
