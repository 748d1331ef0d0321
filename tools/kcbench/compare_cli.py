# SPDX-License-Identifier: GPL-2.0
"""tools/compare's command line: gate a run against the baseline, or update
the baseline on purpose."""
import argparse
import math
import os
import sys

from .compare import Tolerance, compare, table
from .io import REPO, KcbError, Parser, rel, write_atomic
from .report.load import load
from .runs import newest

DESCRIPTION = "Regression gate: compare a run against the checked-in baseline."
DEFAULT_BASE = os.path.join(REPO, "results", "baseline")


def _ranged(lo, hi=math.inf, lo_open=False, hi_open=False):
    """an argparse type: a finite number in [lo, hi] (open where asked)"""
    def parse(text):
        try:
            v = float(text)
        except ValueError:
            v = math.nan
        if (not math.isfinite(v) or v < lo or v > hi or (lo_open and v == lo)
                or (hi_open and v == hi)):
            rng = (("(" if lo_open else "[") + f"{lo:g}, "
                   + ("inf)" if hi == math.inf else f"{hi:g}" + (")" if hi_open else "]")))
            raise argparse.ArgumentTypeError(f"'{text}' is not a number in {rng}")
        return v
    return parse


NON_NEGATIVE = _ranged(0)


def _update(a):
    res = load([a.rundir])
    if not res.static:
        raise KcbError(f"{a.rundir}: no <arch>-static.json to take as the "
                       "baseline")
    files = {}
    for arch, st in res.static.items():
        files[os.path.join(a.baseline, f"{arch}-static.json")] = \
            open(st.path, encoding="utf-8").read()
    if a.with_measured:
        for m in res.measured:
            files[os.path.join(a.baseline, os.path.basename(m.path))] = \
                open(m.path, encoding="utf-8").read()
    keep = set(files)
    stale = [os.path.join(a.baseline, n) for n in os.listdir(a.baseline)
             if n.endswith(".json") and os.path.join(a.baseline, n)
             not in keep] if os.path.isdir(a.baseline) else []
    write_atomic(files)
    for p in stale:  # arches or hosts no longer in the baseline
        os.unlink(p)
    for p in sorted(files):
        print(f"compare: baseline {rel(p)} <- {rel(a.rundir)}")
    for p in stale:
        print(f"compare: removed stale {rel(p)}")
    return 0


def main(argv):
    p = Parser(prog="tools/compare", description=DESCRIPTION)
    p.add_argument("rundir", help="results/runs/<stamp> (with --newest: "
                   "the folder of runs, e.g. results/runs)")
    p.add_argument("baseline", nargs="?", default=DEFAULT_BASE,
                   help="baseline folder (default results/baseline)")
    p.add_argument("--update", action="store_true",
                   help="replace the baseline with this run's static files")
    p.add_argument("--with-measured", action="store_true",
                   help="with --update: also keep the measured files")
    p.add_argument("--newest", action="store_true",
                   help="gate the run under rundir with the newest time "
                   "recorded in it (not the last name)")
    p.add_argument("--arches", help="compare only these, e.g. x86_64,arm64")
    p.add_argument("--tol-bytes", type=NON_NEGATIVE, default=0)
    p.add_argument("--tol-insns", type=NON_NEGATIVE, default=0)
    p.add_argument("--tol-qemu", type=NON_NEGATIVE, default=0,
                   help="QEMU insns/op")
    p.add_argument("--alpha", type=_ranged(0, 1, lo_open=True, hi_open=True),
                   default=0.05)
    p.add_argument("--min-change", type=NON_NEGATIVE, default=0.05,
                   help="measured: relative median change that counts")
    p.add_argument("--allow-improvement", action="store_true",
                   help="deterministic metrics may shrink without failing")
    a = p.parse_args(argv)
    if a.newest:
        if not os.path.isdir(a.rundir):
            raise KcbError(f"{a.rundir}: no folder of runs")
        a.rundir = newest(a.rundir)
        print(f"compare: the newest run is {rel(a.rundir)}")
    if not os.path.isdir(a.rundir):
        raise KcbError(f"{a.rundir}: not a run folder")
    if a.update:
        return _update(a)
    if not os.path.isdir(a.baseline):
        raise KcbError(f"{a.baseline}: no baseline folder")
    # a README (or other non-JSON) may sit in the baseline folder
    if not any(n.endswith(".json") for n in os.listdir(a.baseline)):
        raise KcbError(f"{a.baseline}: the baseline holds no JSON; create "
                       f"it with tools/compare --update <rundir>")
    tol = Tolerance(a.tol_bytes, a.tol_insns, a.tol_qemu, a.alpha,
                    a.min_change, a.allow_improvement)
    run_res = load([a.rundir], runs="all")
    base_res = load([a.baseline])
    only = [x for x in a.arches.split(",") if x] if a.arches else None
    arches, fails, notes = compare(run_res, base_res, tol, only)
    for w in run_res.warnings + base_res.warnings:
        print(f"compare: warning: {w}", file=sys.stderr)
    print(f"compare: {rel(a.rundir)} against {rel(a.baseline)} "
          f"({', '.join(arches)})")
    print(f"tolerance: {tol.describe()}")
    for n in notes:
        print(f"note: {n}")
    if not fails:
        print("compare: OK, no regression")
        return 0
    print()
    for line in table(fails):
        print(line)
    print()
    print(f"compare: FAIL, {len(fails)} metric(s) differ from the baseline. "
          "If the change is intended, update the baseline on purpose: "
          f"tools/compare --update {rel(a.rundir)}"
          + ("" if os.path.abspath(a.baseline) == DEFAULT_BASE
             else f" {rel(a.baseline)}"))
    return 1

