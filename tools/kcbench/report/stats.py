# SPDX-License-Identifier: GPL-2.0
"""Decide whether two measured metrics differ, the way google/benchmark's
compare.py does (Mann-Whitney U on the raw samples), falling back to the 95%
confidence intervals when a file carries only a sample count."""
import math

ALPHA = 0.05       # compare.py's utest alpha
MIN_SAMPLES = 2    # below this a U test means nothing


def samples_of(metric):
    s = metric.get("samples") if metric else None
    if isinstance(s, list) and len(s) >= MIN_SAMPLES:
        return s
    return None


def differ(new, old, alpha=ALPHA):
    """new/old: metric dicts ({median, ci95_lo, ci95_hi, samples}).
    Returns {delta, method, p, verdict} with verdict 'higher', 'lower',
    'same' (not distinguishable) or 'n/a' (a median is missing)."""
    if not new or not old or new.get("median") is None \
            or old.get("median") is None:
        return {"delta": None, "method": "n/a", "p": None, "verdict": "n/a"}
    delta = new["median"] - old["median"]
    a, b = samples_of(new), samples_of(old)
    if a and b:
        from scipy.stats import mannwhitneyu
        try:
            p = float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
        except ValueError:  # e.g. every sample identical on both sides
            p = 1.0
        if math.isnan(p):
            p = 1.0
        sig = p < alpha
        method = "Mann-Whitney U"
    else:
        lo1, hi1 = new.get("ci95_lo"), new.get("ci95_hi")
        lo0, hi0 = old.get("ci95_lo"), old.get("ci95_hi")
        p = None
        if None in (lo1, hi1, lo0, hi0):
            sig = False
            method = "medians only (no CI)"
        else:
            sig = lo1 > hi0 or hi1 < lo0  # disjoint intervals
            method = "95% CI overlap (no raw samples)"
    if not sig or delta == 0:
        verdict = "same"
    else:
        verdict = "higher" if delta > 0 else "lower"
    return {"delta": delta, "method": method, "p": p, "verdict": verdict}


def paired(delta_metric):
    """A kcb_bench paired difference ({median, ci95_lo, ci95_hi} of
    variant - baseline over back-to-back sample pairs) as differ() answers:
    different when the 95% CI of the paired median excludes 0."""
    m = delta_metric or {}
    med, lo, hi = m.get("median"), m.get("ci95_lo"), m.get("ci95_hi")
    if None in (med, lo, hi):
        return {"delta": None, "method": "n/a", "p": None, "verdict": "n/a"}
    if lo > 0:
        verdict = "higher"
    elif hi < 0:
        verdict = "lower"
    else:
        verdict = "same"
    return {"delta": med, "method": "paired back-to-back samples, 95% CI",
            "p": None, "verdict": verdict, "ci": (lo, hi)}
