# SPDX-License-Identifier: GPL-2.0
"""tools/kernel --exec: per arch build (cached) -> boot -> parse ->
figures, then exec.json (kind "kernel_exec", results/SCHEMA.md), the UML
timings as <arch>-uml.json (kind "measured") and exec.md / exec.txt.

A failing arch (no cross compiler, a build or boot that fails, garbled
output) is one line on stderr and the others go on; nothing of that arch
is written.  Exit: 0 every arch done; 1 an arch failed; 2 bad arguments
or no usable tree."""
import datetime
import glob
import json
import os
import platform
import socket
import subprocess
import sys
import time

from ...io import KcbError, json_text, write_atomic
from ...report.markdown import to_markdown
from ...report.text import to_text
from ...report.views.kernel_exec import exec_blocks
from ...vocab import QEMU_INSNS_UNIT
from .. import tree
from . import boot, figures, kbuild_exec, kunit_parse, suite
from .kbuild_exec import ARCHES, UML, ExecError

DEFAULT_ARCHES = "um,x86_64,arm64"
EXEC_SCHEMA_VERSION = 1
UML_ROUNDS = 50
TCG_ROUNDS = 5
TCG_NOPS = 64
MODEL = "cpu_slab"     # 6.12's fast path is the classic one (vocab.MODEL_KERNELS)
MODEL_CONFIG = "distro"
UML_TIMEOUT = 900
TCG_TIMEOUT = 900


def say(msg):
    print(f"[kernel --exec] {msg}", flush=True)


def _git_rev(root):
    r = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def _host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return "unknown", None, None
    def field(k):
        for line in info.splitlines():
            if line.split(":")[0].strip() == k:
                return line.split(":", 1)[1].strip()
        return None
    return field("model name") or "unknown", field("cpu family"), field("model")


def model_timings(root, model_run):
    """The model's x86_64 timings (cpu_slab, distro) on this machine: the
    newest native run under results/runs, or model_run.  {(scen, var):
    {unit: median}} (var "<v>-static": its paired delta), its path; ({},
    None) when there is none."""
    if model_run:
        cands = glob.glob(os.path.join(model_run, "x86_64-*.json"))
    else:
        cands = glob.glob(os.path.join(root, "results", "runs", "*", "x86_64-*.json"))
    best = None
    for path in sorted(cands, key=os.path.getmtime, reverse=True):
        if path.endswith(("-static.json", "-minimal.json")) or "-clang-" in os.path.basename(path):
            continue
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        ctx = doc.get("context", {})
        if doc.get("kind") != "measured" or ctx.get("execution") != "native":
            continue
        if ctx.get("config", MODEL_CONFIG) != MODEL_CONFIG or \
                not any(r.get("model") == MODEL for r in doc.get("records", [])):
            continue  # another config, or not the model (the UML records)
        best = (path, doc)
        break
    if not best:
        return {}, None
    path, doc = best
    out = {}
    for r in doc.get("records", []):
        if r.get("model") == MODEL and r.get("scenario") in kunit_parse.EXEC_SCENARIOS:
            out[(r["scenario"], r["variant"])] = {u: m["median"] for u, m in r["metrics"].items()}
    for d in doc.get("deltas") or []:   # the model's paired variant - static
        if d.get("model") == MODEL and d.get("scenario") in kunit_parse.EXEC_SCENARIOS \
                and d.get("baseline") == "static":
            out[(d["scenario"], d["variant"] + "-static")] = {
                u: m["median"] for u, m in d["metrics"].items()}
    return out, os.path.relpath(path, root)


def model_run_now(root, cache):
    """No model run to set beside UML: run the built native model
    (build/x86_64/bench/kcb_bench, cpu_slab, the suite's scenarios) now,
    on the same machine, into cache/exec/model.  Its folder, or None when
    kcb_bench is not built (then the report says no model run was found)."""
    exe = os.path.join(root, "build", "x86_64", "bench", "kcb_bench")
    if not os.access(exe, os.X_OK):
        say("um: no model run under results/runs and build/x86_64 not built: "
            "the model column stays empty (./run_all.sh builds and runs it)")
        return None
    outdir = os.path.join(cache, "exec", "model")
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "x86_64-model.json")
    cmd = [exe, "--model", MODEL, "--config", MODEL_CONFIG,
           "--scenario", ",".join(kunit_parse.EXEC_SCENARIOS), "--out", out]
    say("um: no model run under results/runs: running the model beside it (" +
        " ".join(os.path.relpath(c, root) if c == exe else c for c in cmd[1:]) + ")")
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        say(f"um: the model run failed (exit {r.returncode}): "
            f"{(r.stderr.strip().splitlines() or ['?'])[-1]}")
        return None
    return outdir


def model_counts(root, arch):
    """The model's qemu-insns (cpu_slab, distro) from results/baseline."""
    path = os.path.join(root, "results", "baseline", f"{arch}-static.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return {}, None
    out = {}
    for r in (doc.get("qemu") or {}).get("records", []):
        if r.get("model") == MODEL and r.get("config", MODEL_CONFIG) == MODEL_CONFIG \
                and r.get("fn") in kunit_parse.EXEC_SCENARIOS:
            out[(r["fn"], r["variant"])] = dict(insns_per_op=r["insns_per_op"],
                                                site_insns_per_op=r["hotpath_insns_per_op"])
    return out, os.path.relpath(path, root)


def _uml(arch, objdir, logdir, cfg, version, root, argv):
    t0 = time.time()
    say(f"{arch}: boot + run (UML, mode=time, {UML_ROUNDS} rounds)")
    log = os.path.join(logdir, f"{arch}-console.log")
    text = boot.run_uml(objdir, log, UML_TIMEOUT, UML_ROUNDS)
    run_s = time.time() - t0
    say(f"{arch}: parse")
    run = kunit_parse.parse(text, log)
    cpu, fam, mod = _host_cpu()
    ctx = dict(host=socket.gethostname(), cpu_model=run.cpu.get("name") or cpu,
               cores=os.cpu_count() or 1,
               kernel=f"Linux {version} ARCH=um (UML), kcb_slab KUnit suite", arch="x86_64",
               triple="x86_64-linux-gnu", compiler=cfg.get("CC_VERSION_TEXT", "unknown"),
               flags="Kbuild ARCH=um (-O2 -mcmodel=large)",
               date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               git_rev=_git_rev(root), command="tools/kernel " + " ".join(argv),
               cpu_family=run.cpu.get("family", fam), cpu_model_number=run.cpu.get("model", mod),
               pinned_cpu=boot.uml_cpu(),
               pin_note="the UML process (all its host threads) pinned to the last allowed CPU, "
                        "as kcb_bench pins; no contention probe (kcb_bench's quiet-core check)",
               kernel_config={k: cfg.get(k, "n") for k in suite.RECORDED})
    doc = figures.measured(run, ctx)
    from ...results import validate
    validate(doc)
    return doc, run_s


def _tcg(arch, objdir, workdir, logdir):
    t0 = time.time()
    say(f"{arch}: boot + run (qemu-system TCG with the insn-count plugin, mode=count, "
        f"{TCG_ROUNDS} rounds)")
    log = os.path.join(logdir, f"{arch}-console.log")
    text, wins, qv = boot.run_tcg(arch, objdir, workdir, log, TCG_TIMEOUT, TCG_ROUNDS, TCG_NOPS)
    say(f"{arch}: parse")
    counts = figures.counts(kunit_parse.parse(text, log), wins, log)
    say(f"{arch}: boot + run again, hot ranges {' and '.join(figures.ENTRY_FUNCTIONS)}")
    log2 = os.path.join(logdir, f"{arch}-console-entry.log")
    text, wins, _ = boot.run_tcg(arch, objdir, workdir, log2, TCG_TIMEOUT, TCG_ROUNDS, TCG_NOPS,
                                 hot=figures.ENTRY_FUNCTIONS)
    figures.entry_counts(counts, kunit_parse.parse(text, log2), wins, log2)
    return counts, qv, time.time() - t0


def run_exec(args, src, origin, version, root, argv):
    """The --exec mode (args: tools/kernel's parsed arguments)."""
    arches = [a for a in (args.arch or DEFAULT_ARCHES).split(",") if a]
    bad = [a for a in arches if a not in ARCHES]
    if bad:
        print(f"tools/kernel --exec: unknown arch {bad[0]} (known: {', '.join(ARCHES)})", file=sys.stderr)
        return 2
    t_all = time.time()
    out = args.out or os.path.join(root, "results", "runs",
                                   "kernel-exec-" + datetime.datetime.utcnow().strftime("%Y%m%d-%H%M%S"))
    logdir = os.path.join(args.cache, "exec", "logs")
    os.makedirs(logdir, exist_ok=True)
    cpu, fam, mod = _host_cpu()
    doc = dict(schema_version=EXEC_SCHEMA_VERSION, kind="kernel_exec",
               context=dict(tree=origin, version=version, host_cpu=cpu, host_cpu_family=fam,
                            host_cpu_model=mod, model=MODEL, model_config=MODEL_CONFIG,
                            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                            command="tools/kernel " + " ".join(argv),
                            units={"tsc-ticks": "UML: rdtsc per op", "calibrated-cycles":
                                   "UML: ticks / ticks per cycle of a dependent add chain",
                                   QEMU_INSNS_UNIT: "instructions executed per op under "
                                   "qemu-system TCG (a count, never a time)"}),
               arches={})
    files, rc = {}, 0
    for arch in arches:
        entry = doc["arches"][arch] = dict(status="not run")
        try:
            miss = kbuild_exec.missing_tools(arch)
            if miss:
                raise ExecError(f"missing package {miss}")
            t0 = time.time()
            objdir, built, build_s, cfg = kbuild_exec.build(arch, src, args.cache, say, args.rebuild)
            entry.update(build_seconds=round(build_s, 1) if built else None,
                         build="built" if built else "cached (inputs unchanged)",
                         runtime_const=("supported (patched at boot)"
                                        if kbuild_exec.has_runtime_const(src, arch) else
                                        "no support in UML" if arch == UML
                                        else "no kernel support in this tree"),
                         config={k: cfg.get(k, "n") for k in suite.RECORDED})
            if arch == UML:
                measured, run_s = _uml(arch, objdir, logdir, cfg, version, root, argv)
                name = "x86_64-uml.json"
                files[os.path.join(out, name)] = json_text(measured, indent=1)
                mt, mpath = model_timings(root, getattr(args, "model_run", None))
                if not mt and not getattr(args, "model_run", None):
                    now = model_run_now(root, args.cache)
                    if now:
                        mt, mpath = model_timings(root, now)
                entry.update(source=figures.UML_SOURCE, measured=name, model=dict(
                    source=mpath, timings={f"{s}/{v}": x for (s, v), x in mt.items()}),
                    calibration=measured["context"]["calibration"],
                    contention=measured["context"]["contention"],
                    cpu=measured["context"]["cpu_model"],
                    records={f"{r['scenario']}/{r['variant']}": dict(
                        unit=r["primary"], median=r["metrics"][r["primary"]]["median"],
                        ci95_lo=r["metrics"][r["primary"]]["ci95_lo"],
                        ci95_hi=r["metrics"][r["primary"]]["ci95_hi"],
                        ticks_median=r["metrics"]["tsc-ticks"]["median"])
                        for r in measured["records"]},
                    deltas={f"{d['scenario']}/{d['variant']}": dict(
                        unit=next(iter(d["metrics"])) if "calibrated-cycles" not in d["metrics"]
                        else "calibrated-cycles",
                        **d["metrics"].get("calibrated-cycles", d["metrics"]["tsc-ticks"]))
                        for d in measured["deltas"]})
            else:
                counts, qv, run_s = _tcg(arch, objdir, os.path.join(args.cache, "exec", "tcg", arch),
                                         logdir)
                mc, mpath = model_counts(root, ARCHES[arch]["results_arch"])
                entry["callsite_listing"] = boot.op_listings(arch, objdir)
                q = ARCHES[arch]["qemu"]
                entry.update(source=figures.TCG_SOURCE, qemu_version=qv, counts=counts,
                             qemu_cpu=q[q.index("-cpu") + 1] if "-cpu" in q else "(none: the machine's default)",
                             model=dict(source=mpath, counts={f"{s}/{v}": x for (s, v), x in mc.items()}))
            entry.update(status="ok", run_seconds=round(run_s, 1),
                         total_seconds=round(time.time() - t0, 1))
            say(f"{arch}: done in {time.time() - t0:.0f} s")
        except (ExecError, KcbError, OSError) as e:
            print(f"tools/kernel --exec: {arch}: {e}", file=sys.stderr)
            entry["status"] = f"FAILED: {e}"
            rc = 1
    blocks = exec_blocks(doc)
    files[os.path.join(out, "exec.json")] = json_text(doc, indent=1)
    files[os.path.join(out, "exec.md")] = to_markdown(blocks)
    files[os.path.join(out, "exec.txt")] = to_text(blocks)
    try:
        write_atomic(files)
    except KcbError as e:
        print(f"tools/kernel --exec: {e}", file=sys.stderr)
        return 2
    say(f"done in {time.time() - t_all:.0f} s: {out}/exec.md {out}/exec.txt {out}/exec.json")
    return rc
