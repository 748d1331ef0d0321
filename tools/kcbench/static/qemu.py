# SPDX-License-Identifier: GPL-2.0
"""Exact executed-instruction counts under QEMU user mode (unit: qemu-insns).

Runs the driver kcb_count (tools/count_driver.cpp) under qemu-<arch> with
our TCG plugin (tools/qemu_plugin/, built here with the host gcc).  For each
hot path the driver runs N and 2N ops between two marker calls; the plugin
reports, per window, all executed instructions and those inside the hot-path
symbol ranges.  Per op:
  hotpath_insns_per_op = (hot(2N) - hot(N)) / N          (the symbol alone)
  insns_per_op         = (total(2N) - total(N)) / N - loop
where loop is the driver's own per-op loop cost, from the empty body of the
same kind: (total(2N) - total(N)) / N minus that body's own instructions.
So insns_per_op runs from the hot path's first instruction to its return,
the allocator included.  The whole count runs twice; both must agree.
"""
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

from ..io import REPO, KcbError, check_not_killed
from ..vocab import DEFAULT_CONFIG, QEMU_INSNS_UNIT

PLUGIN_DIR = os.path.join(REPO, "tools", "qemu_plugin")
KIND_NAMES = {0: "site", 1: "void", 2: "chain", 3: "indexed"}
FN_KIND = {"site": "site", "callsite": "void", "inline_fields": "void", "static_align": "void",
           "latency": "chain", "many_caches": "indexed"}
EMPTY_SYMS = ("kcb_count_empty_site", "kcb_empty__void", "kcb_empty__chain", "kcb_empty__indexed")
DEFAULT_N = 64


def qemu_version(qemu):
    try:
        out = subprocess.run([qemu, "--version"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return None
    first = out.splitlines()[0] if out else ""
    return first.split("version", 1)[1].strip() if "version" in first else first


def build_plugin(outdir):
    """Compile the plugin with the host compiler into outdir; path or KcbError."""
    res = subprocess.run(["make", "-s", "-B", "-C", PLUGIN_DIR, "O=" + outdir],
                         capture_output=True, text=True, check=False)
    so = os.path.join(outdir, "libkcb_insn_count.so")
    if res.returncode != 0 or not os.path.exists(so):
        msg = (res.stderr.strip().splitlines() or ["make failed"])[-1]
        raise KcbError(f"building the QEMU plugin failed: {msg}")
    return so


def _pair(stdout, plug):
    """-> [(symbol, fn, model, variant, ops, total, hot)] in window order."""
    head = plug[0].split() if plug else []
    if len(head) < 10 or head[0] != "kcb_insn_count" or head[7] != "0" or head[9] != "0":
        raise KcbError(f"QEMU plugin report malformed or unbalanced: {plug[:1]}")
    counts = {}
    for line in plug[1:]:
        _, i, tot, hot = line.split()
        counts[int(i)] = (int(tot), int(hot))
    wins = []
    for line in stdout:
        p = line.split()
        if len(p) != 7 or p[0] != "window":
            continue
        i = int(p[1])
        if i not in counts:
            raise KcbError(f"driver window {i} has no plugin count")
        wins.append((p[2], p[3], p[4], p[5], int(p[6])) + counts[i])
    if len(wins) != len(counts) or not wins:
        raise KcbError(f"driver printed {len(wins)} windows, plugin counted {len(counts)}")
    return wins


def _per_op(wins, kinds, configs):
    """Windows come in (N, 2N) pairs per symbol -> records."""
    pairs = {}
    order = []
    for w in wins:
        if w[0] not in pairs:
            order.append(w[0])
        pairs.setdefault(w[0], []).append(w)
    loop = {}
    for sym in EMPTY_SYMS:
        if sym not in pairs:
            raise KcbError(f"driver did not measure {sym}")
        a, b = pairs[sym]
        ops = b[4] - a[4]
        loop[a[3]] = ((b[5] - a[5]) - (b[6] - a[6])) / ops  # variant field = kind
    recs = []
    for sym in order:
        a, b = pairs[sym]
        if a[1] == "empty":
            continue
        if len(pairs[sym]) != 2 or b[4] <= a[4]:
            raise KcbError(f"bad windows for {sym}")
        ops = b[4] - a[4]
        kind = kinds.get(sym) or FN_KIND[a[1]]
        whole = (b[5] - a[5]) / ops - loop[kind]
        hot = (b[6] - a[6]) / ops
        recs.append(dict(model=a[2], fn=a[1], variant=a[3], config=configs.get(sym, DEFAULT_CONFIG),
                         symbol=sym, insns_per_op=_num(whole), hotpath_insns_per_op=_num(hot), ops=ops))
    return recs


def _num(x):
    return int(x) if float(x).is_integer() else round(x, 4)


def count(arch, info, elf, driver, workdir, n=DEFAULT_N, runs=2):
    """-> the "qemu" object of the static JSON (never raises for a missing
    QEMU: that is reported as available=false with the reason)."""
    qemu = info.qemu
    if not shutil.which(qemu):
        return dict(available=False, reason=f"{qemu} not installed", records=[])
    for sym in ("kcb_count_begin", "kcb_count_end") + EMPTY_SYMS:
        if sym not in elf.funcs:
            raise KcbError(f"{driver}: no symbol {sym} (not the kcb_count driver?)")
    plugin = build_plugin(os.path.join(workdir, "qemu_plugin"))
    kinds = {e["symbol"]: KIND_NAMES.get(e["kind"]) for e in elf.registry}
    # every config's hot paths: the driver runs them all, and each record
    # says which config it measured
    configs = {h["symbol"]: h["config"] for h in elf.hot_paths(arch)}
    hp = list(configs)
    lines = []
    for sym in sorted(set(hp) | set(EMPTY_SYMS), key=lambda s: elf.funcs[s][0]):
        start, size, _ = elf.funcs[sym]
        if size:
            lines.append(f"range {start:x} {start + size:x}\n")
    lines.append(f"begin {elf.entry('kcb_count_begin'):x}\n")
    lines.append(f"end {elf.entry('kcb_count_end'):x}\n")
    sysroot = [] if info.host_native else ["-L", "/usr/" + info.triple]
    cmd = [qemu] + sysroot + list(info.qemu_cpu) + ["-plugin", plugin + ",cfg=@CFG@", driver, "-n", str(n)]
    with ThreadPoolExecutor(max_workers=runs) as ex:
        outs = list(ex.map(lambda t: _run(cmd, lines, workdir, t), range(runs)))
    results = [_per_op(_pair(o, p), kinds, configs) for o, p in outs]
    identical = all(r == results[0] for r in results[1:])
    shown = " ".join(c if "@CFG@" not in c else c.replace("@CFG@", "<cfg>") for c in cmd)
    return dict(available=True, reason="", unit=QEMU_INSNS_UNIT, n=n, runs=runs,
                identical_over_runs=identical, command=shown, records=results[0])


def _run(cmd_base, cfg_lines, workdir, tag):
    out = os.path.join(workdir, f"windows-{tag}.txt")
    cfg = os.path.join(workdir, f"cfg-{tag}.txt")
    with open(cfg, "w") as f:
        f.write(f"out {out}\n" + "".join(cfg_lines))
    cmd = [c.replace("@CFG@", cfg) for c in cmd_base]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    except subprocess.TimeoutExpired:
        raise KcbError("kcb_count under QEMU took over 120 s") from None
    check_not_killed(f"{cmd[0]} (kcb_count under QEMU)", res.returncode)
    if res.returncode != 0:
        msg = (res.stderr.strip().splitlines() or [f"exit {res.returncode}"])[-1]
        raise KcbError(f"kcb_count under QEMU failed: {msg}")
    if not os.path.exists(out):
        raise KcbError("the QEMU plugin wrote no counts (was it loaded?)")
    with open(out) as f:
        plug = f.read().splitlines()
    return res.stdout.splitlines(), plug


def new_workdir():
    return tempfile.mkdtemp(prefix="kcb-qemu-")
