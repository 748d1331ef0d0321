# SPDX-License-Identifier: GPL-2.0
"""What backs a run's calibrated cycles: its two calibration references, its
L1 load-to-use known answer beside latency pointer - static, and its
warnings (bench/METHOD.md, "Calibration and the known answer")."""

from .fmt import fdelta, fnum


def calibration_facts(m):
    """Sentences for one measured results file."""
    ctx = m.ctx
    out = []
    refs = ctx.get("calibration_refs")
    if refs:
        out.append(f"Calibration on {m.label}: register-register add "
                   f"{fnum(refs['add_ticks_per_cycle'])}, multiply "
                   f"{fnum(refs['mul_ticks_per_cycle'])} ticks/cycle "
                   f"({fdelta(100 * refs['disagreement'])}%, tolerance "
                   f"{fnum(100 * refs['tolerance'])}%)"
                   + ("" if refs.get("agree") else
                      ": they disagree, so no calibrated cycles") + ".")
    ka = ctx.get("known_answer")
    if ka:
        checks = "; ".join(
            f"{c['model']} {c['variant']} - static {fnum(c['delta'])} "
            f"({'ok' if c['ok'] else 'off by ' + fdelta(c['diff'])})"
            for c in ka.get("checks") or [])
        out.append(f"Known answer on {m.label} [{ka['unit']}]: L1 "
                   f"load-to-use {fnum(ka['l1_median'])} "
                   f"[{fnum(ka['l1_ci95_lo'])},{fnum(ka['l1_ci95_hi'])}]"
                   + (f"; latency {checks}" if checks else "") + ".")
    for w in ctx.get("warnings") or []:
        out.append(f"Warning ({m.label}): {w}.")
    return out
