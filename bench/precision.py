#!/usr/bin/python3
"""Precision check: run kcb_bench and kcb_gbench back to back, several times
each, and print how much each record's median moves between runs.

    bench/precision.py BUILD_DIR [--runs 5] [--cpu N] [--no-gbench] [--keep DIR]
                       [-- KCB_BENCH_ARGS...]   (e.g. -- --pages 4k)

Spread of a record = (max - min) of its per-run medians; the bar (issue 5) is
spread <= 2% of the median or <= 0.3 unit, whichever is larger.  kcb_bench
figures are per op after empty-body subtraction; Google Benchmark's are its
real_time per iteration (loop and call overhead included), so the two are
compared as spreads, not as values.  A record outside the bar gets a second
line with its per-run medians, in run order; --keep DIR keeps every run's
JSON there.  Where a run's rounds fell into more than one mode
(kcb_bench's round_modes), the modes of each run follow: "value xROUNDS".
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

# the kcbench package lives in tools/ (this script is an entry point)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from kcbench import results  # noqa: E402

BAR_REL, BAR_ABS = 0.02, 0.3


def spread(values):
    med = statistics.median(values)
    sp = max(values) - min(values)
    rel = sp / abs(med) if med else float("inf")
    return med, sp, rel, sp <= max(BAR_REL * abs(med), BAR_ABS)


def run_ours(exe, runs, cpu, tmp, extra=()):
    per = {}  # (model, scenario, variant) -> unit -> [median per run]
    for i in range(runs):
        out = os.path.join(tmp, f"ours{i}.json")
        cmd = [exe, "--out", out] + (["--cpu", str(cpu)] if cpu is not None else []) + list(extra)
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            sys.exit(f"precision: {' '.join(cmd)} failed: {r.stderr.strip().splitlines()[-1:]}")
        doc = results.load(out)
        ctx = doc["context"]
        print(f"kcb_bench run {i + 1}/{runs}: {ctx.get('seconds', 0):.1f} s; "
              f"{ctx.get('contention', 'no contention note')}", file=sys.stderr)
        for rec in doc["records"]:
            key = (rec["model"], rec["scenario"], rec["variant"])
            for unit, m in rec["metrics"].items():
                per.setdefault(key, {}).setdefault(unit, []).append(m["median"])
            per[key]["_primary"] = rec["primary"]
            per[key].setdefault("_modes", []).append(results.major_modes(rec["metrics"][rec["primary"]]))
    return per


def gbench_key(name):
    """(model, scenario, variant) of a kcb_gbench name (bench/gbench_main.cpp):
    <model>/<scenario>/variant:<v>, or <model>/static_align/align:<n> for
    variant static_a<n>."""
    model, scenario, leaf = name.split("/")[:3]
    key, _, value = leaf.partition(":")
    return model, scenario, ("static_a" + value if key == "align" else value)


def run_gbench(exe, runs, cpu, tmp):
    per = {}
    for i in range(runs):
        out = os.path.join(tmp, f"gb{i}.json")
        cmd = ([] if cpu is None else ["taskset", "-c", str(cpu)]) + \
            [exe, "--benchmark_format=json", f"--benchmark_out={out}",
             "--benchmark_out_format=json"]
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            sys.exit(f"precision: {' '.join(cmd)} failed: {r.stderr.strip()[-200:]}")
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
        for b in doc["benchmarks"]:
            key = gbench_key(b["name"])
            scale = {"ns": 1, "us": 1e3, "ms": 1e6}[b.get("time_unit", "ns")]
            per.setdefault(key, []).append(b["real_time"] * scale)
    return per


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", help="build directory holding bench/kcb_bench")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=None, help="pin both to this CPU")
    ap.add_argument("--no-gbench", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="keep each run's JSON in DIR")
    # argparse cannot take "-- --opt" after a positional: split it off first
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = ap.parse_args(argv[:cut])
    a.bench_args = argv[cut + 1:]
    ours_exe = os.path.join(a.build, "bench", "kcb_bench")
    gb_exe = os.path.join(a.build, "bench", "kcb_gbench")
    if not os.access(ours_exe, os.X_OK):
        sys.exit(f"precision: no executable {ours_exe}")
    with_gb = not a.no_gbench and os.access(gb_exe, os.X_OK)
    if a.keep:
        try:
            os.makedirs(a.keep, exist_ok=True)
        except OSError as e:
            sys.exit(f"precision: --keep {a.keep}: {e.strerror}")
    with tempfile.TemporaryDirectory() as tmp:
        where = a.keep or tmp
        ours = run_ours(ours_exe, a.runs, a.cpu, where, a.bench_args)
        gb = run_gbench(gb_exe, a.runs, a.cpu, where) if with_gb else {}

    print(f"{a.runs} back-to-back runs; spread = max - min of the per-run medians "
          f"(bar: <= {BAR_REL:.0%} or <= {BAR_ABS} unit)")
    print(f"{'record':40} {'kcb_bench primary':>28} {'kcb_bench ns':>20} {'gbench real_time ns':>22}")
    tot = {"primary": [], "ns": [], "gb": []}
    moded = []  # outside the bar, with rounds in more than one mode in some run
    for key in sorted(ours):
        u = ours[key]
        prim = u["_primary"]
        med, sp, rel, ok = spread(u[prim])
        tot["primary"].append((rel, ok))
        cell1 = f"{med:7.2f} ±{sp:5.2f} {rel:6.1%}{'' if ok else ' !'}"
        nsu = "ns" if "ns" in u else "emulated-ns"
        med2, sp2, rel2, ok2 = spread(u[nsu])
        tot["ns"].append((rel2, ok2))
        cell2 = f"{sp2:5.2f} {rel2:6.1%}{'' if ok2 else ' !'}"
        cell3 = "-"
        if key in gb and len(gb[key]) == a.runs:
            med3, sp3, rel3, ok3 = spread(gb[key])
            tot["gb"].append((rel3, ok3))
            cell3 = f"{med3:7.2f} ±{sp3:5.2f} {rel3:6.1%}{'' if ok3 else ' !'}"
        print(f"{'/'.join(key):40} {cell1:>28} {cell2:>20} {cell3:>22}")
        if not ok:
            print(f"{'':4}per run: " + " ".join(f"{v:.2f}" for v in u[prim]))
            if any(len(m) > 1 for m in u["_modes"]):
                moded.append(key)
                print(f"{'':4}modes per run: " + "; ".join(
                    " | ".join(f"{v:.2f} x{n}" for v, n in m) for m in u["_modes"]))
    print()
    for name, label in (("primary", f"kcb_bench ({ours[next(iter(ours))]['_primary']})"),
                        ("ns", "kcb_bench (ns)"), ("gb", "Google Benchmark (real_time ns)")):
        rows = tot[name]
        if not rows:
            print(f"{label}: not run")
            continue
        rels = sorted(r for r, _ in rows)
        npass = sum(ok for _, ok in rows)
        print(f"{label}: median spread {statistics.median(rels):.2%}, max {rels[-1]:.2%}, "
              f"{npass}/{len(rows)} records within the bar")
    if moded:
        print(f"{len(moded)} record(s) outside the bar had rounds in more than one mode in some run: "
              "the core settled in distinct states and the median moved with their shares "
              "(bench/METHOD.md, \"Modes\")")


if __name__ == "__main__":
    main()
