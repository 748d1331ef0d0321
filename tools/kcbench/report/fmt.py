# SPDX-License-Identifier: GPL-2.0
"""Numbers as the report prints them: values, signed deltas, medians with
their 95% CI."""


def fnum(x):
    if x is None:
        return "n/a"
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1000:
        return str(int(x))
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fdelta(x, unit=""):
    """Signed delta; '±0' for no change (ASCII-fied in report.txt)."""
    if x is None:
        return "n/a"
    u = f" {unit}" if unit else ""
    if x == 0:
        return f"±0{u}"
    s = fnum(abs(x))
    return f"{'+' if x > 0 else '-'}{s}{u}"


def fci(m):
    """median [ci95_lo,ci95_hi] of one metric dict."""
    if not m or m.get("median") is None:
        return "n/a"
    lo, hi = m.get("ci95_lo"), m.get("ci95_hi")
    if lo is None or hi is None:
        return fnum(m["median"])
    return f"{fnum(m['median'])} [{fnum(lo)},{fnum(hi)}]"
