# SPDX-License-Identifier: GPL-2.0
"""Figures from a parsed suite run (kunit_parse.Run).

time (UML): a results document of kind "measured" (results/SCHEMA.md),
the same records, units and statistics as kcb_bench's: per op, the body
minus the median of its round's empty twin; tsc-ticks, and
calibrated-cycles when the add and mul references agree within 5%.
count (TCG): qemu-insns per op from the plugin's marker windows, the
minimum over rounds of each window (an interrupt only adds)."""
import math
import statistics

from ...io import KcbError
from ...vocab import QEMU_INSNS_UNIT
from .kunit_parse import EMPTY, EXEC_SCENARIOS

EXEC_MODEL = "slub_6.12"        # records of the real allocator (not the model)
UML_SOURCE = "UML, real slub.c, native core"
TCG_SOURCE = "qemu-system TCG, real slub.c, booted kernel"
TICKS = "tsc-ticks"
CYCLES = "calibrated-cycles"
MUL_LATENCY = 3                  # imul, as arch/x86/cpu_common.h
AGREE = 0.05                     # the references' largest disagreement


def median_ci_ranks(n):
    """bench/stats.cpp kcb_median_ci_ranks: 0-based ranks bounding the
    median with >= 95% (binomial order statistics)."""
    if n < 6:
        return 0, max(n - 1, 0)
    logp0 = -n * math.log(2.0)
    cdf, k = 0.0, 0
    for i in range(n // 2):
        p = math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + logp0)
        if cdf + p > 0.025:
            break
        cdf += p
        k = i + 1
    return max(k - 1, 0), n - k if k else n - 1


def summary(values):
    v = sorted(values)
    lo, hi = median_ci_ranks(len(v))
    return dict(min=v[0], median=statistics.median(v), ci95_lo=v[lo], ci95_hi=v[hi])


def calibration(run):
    """{add, mul, tpc or None, why}: ticks per cycle from the start chains."""
    add = statistics.median(run.calib["start"]["add"])
    mul = statistics.median(run.calib["start"]["mul"]) / MUL_LATENCY
    end = statistics.median(run.calib["end"]["add"])
    out = dict(add_ticks_per_cycle=add, mul_ticks_per_cycle=mul, end_add_ticks_per_cycle=end,
               tpc=None, why=None)
    if add <= 0 or mul <= 0:
        out["why"] = "a reference chain measured no ticks"
    elif abs(mul / add - 1) > AGREE:
        out["why"] = (f"the references disagree by {abs(mul / add - 1) * 100:.1f}% "
                      f"(add {add:.3f}, mul/{MUL_LATENCY} {mul:.3f} ticks per cycle): ticks only")
    else:
        out["tpc"] = add
    return out


QUIET = 1.10     # a sample is quiet when its probe ran within 10% of the fastest


def quiet_samples(run):
    """{scenario: set of (round, k)} whose contention probe ran within
    QUIET of the fastest probe; all of them when fewer than max(7, 10%)
    are (kcb_bench's rule, bench/METHOD.md)."""
    out = {}
    for scen, per in run.probes.items():
        allk = [(r, k, p) for r, ps in per.items() for k, p in enumerate(ps)]
        best = min(p for _, _, p in allk)
        keep = {(r, k) for r, k, p in allk if p <= QUIET * best}
        if len(keep) < max(7, len(allk) // 10):
            keep = {(r, k) for r, k, _ in allk}
        out[scen] = keep
    return out


def _per_op(run, scen, var, keep):
    """[(round, k, ticks per op)] of the kept samples: body minus its
    round's median empty."""
    body = run.times[("body", scen, var)]
    empty = run.times[("empty", scen, var)]
    out = []
    for r in sorted(body):
        over = statistics.median(empty[r])
        out += [(r, k, b - over) for k, b in enumerate(body[r]) if (r, k) in keep]
    return out, statistics.median(v for r in empty for v in empty[r])


def measured(run, context):
    """The results document (kind measured) of a time run.  context: the
    fields the caller knows (host, kernel, compiler, date, ...)."""
    cal = calibration(run)
    tpc = cal["tpc"]
    ctx = dict(context)
    ctx.update(execution="native", qemu_version=None, qemu_cpu=None, counter_source=TICKS,
               pmu="unavailable: UML (no perf events for the UML kernel's own code)",
               ticks_per_cycle=tpc, governor=None, source=UML_SOURCE,
               counter_note=(f"{UML_SOURCE}: rdtsc from UML's user mode (get_cycles() is 0 "
                             "there); " + ("cycles calibrated against a dependent add chain, "
                                           "checked against imul" if tpc else cal["why"])),
               calibration=cal)
    recs, per = [], {}
    quiet = quiet_samples(run)
    taken = {scen: sum(len(v) for v in run.times[("body", scen, run.variants[0])].values())
             for scen in EXEC_SCENARIOS}
    ctx["contention"] = "; ".join(
        f"{scen}: {len(quiet[scen])} of {taken[scen]} samples kept (the probe of independent adds "
        f"within {round((QUIET - 1) * 100)}% of its fastest); no waiting for a quiet core"
        for scen in EXEC_SCENARIOS)
    for scen in EXEC_SCENARIOS:
        for var in run.variants:
            vals, over = _per_op(run, scen, var, quiet[scen])
            per[(scen, var)] = vals
            mets = {TICKS: dict(source=f"{UML_SOURCE}: rdtsc, N vs 2N, empty twin subtracted",
                                samples=sorted(v for _, _, v in vals), overhead=over,
                                **summary([v for _, _, v in vals]))}
            if tpc:
                cyc = [v / tpc for _, _, v in vals]
                mets[CYCLES] = dict(source=f"{UML_SOURCE}: {TICKS} / ticks_per_cycle (add chain)",
                                    samples=sorted(cyc), overhead=over / tpc, **summary(cyc))
            recs.append(dict(model=EXEC_MODEL, scenario=scen, variant=var, note=UML_SOURCE,
                             ops_per_iter=1, primary=CYCLES if tpc else TICKS, metrics=mets,
                             symbol=f"kcb_{scen}__{var}", n=run.n,
                             samples_taken=taken[scen], samples_used=len(vals)))
    deltas = []
    for scen in EXEC_SCENARIOS:
        base = {(r, k): v for r, k, v in per[(scen, "static")]} if "static" in run.variants else {}
        for var in run.variants:
            if var == "static" or not base:
                continue
            diffs = [v - base[(r, k)] for r, k, v in per[(scen, var)] if (r, k) in base]
            mets = {TICKS: summary(diffs)}
            if tpc:
                mets[CYCLES] = summary([d / tpc for d in diffs])
            for m in mets.values():
                m.pop("min")
            deltas.append(dict(model=EXEC_MODEL, scenario=scen, variant=var, baseline="static",
                               pairs=len(diffs), metrics=mets))
    return dict(schema_version=1, kind="measured", context=ctx, records=recs, deltas=deltas)


def entry_counts(counts_, entry_run, entry_windows, where):
    """Add to counts_ the instructions inside the allocator's entry
    functions (ENTRY_FUNCTIONS' bodies, from a second boot whose hot
    ranges are those) and in the functions they call, per op."""
    inner = counts(entry_run, entry_windows, where)
    for scen, per in counts_.items():
        for var, c in per.items():
            body = inner[scen][var]["site_insns_per_op"]
            c["entry_insns_per_op"] = body
            c["callee_insns_per_op"] = c["allocator_insns_per_op"] - body
    return counts_


ENTRY_FUNCTIONS = ("kmem_cache_alloc_noprof", "kmem_cache_free")


def counts(run, windows, where):
    """qemu-insns per op of a count run.  windows: the plugin's [(total,
    hot)] in order, hot = inside the suite's op symbols.  Returns
    {scenario: {variant: {insns_per_op, site_insns_per_op}}}."""
    if len(windows) != len(run.windows):
        raise KcbError(f"{where}: the plugin saw {len(windows)} windows, the suite printed "
                       f"{len(run.windows)} (a window cut short?)")
    best = {}
    for (rnd, scen, var, n), (total, hot) in zip(run.windows, windows):
        key = (scen, var, n)
        old = best.get(key)
        best[key] = (min(old[0], total), min(old[1], hot)) if old else (total, hot)
    out = {}
    n1 = run.n
    for scen in EXEC_SCENARIOS:
        def per_op(var):
            a, b = best.get((scen, var, n1)), best.get((scen, var, 2 * n1))
            if not a or not b:
                raise KcbError(f"{where}: no {scen} {var} windows of {n1} and {2 * n1} ops")
            return (b[0] - a[0]) / n1, (b[1] - a[1]) / n1
        e_total, e_hot = per_op(EMPTY)
        for var in run.variants:
            total, hot = per_op(var)
            # the loop and call cancel with the empty twin; its body (hot) stays out
            out.setdefault(scen, {})[var] = dict(
                unit=QEMU_INSNS_UNIT, insns_per_op=total - e_total + e_hot,
                site_insns_per_op=hot, allocator_insns_per_op=total - hot - (e_total - e_hot),
                rounds=run.rounds, statistic="min over rounds of each window, then 2N - N")
    return out
