# SPDX-License-Identifier: GPL-2.0
"""llvm-mca-16 estimates on the real instructions of our hot paths.

Block fed to llvm-mca (one code region per hot path, one llvm-mca process
per arch and CPU and mode):
  - the fall-through path from the symbol's entry: conditional branches are
    taken as not taken (in these bodies they guard the unlikely NULL
    return) and dropped; calls are dropped (the allocator is not part of
    the block; its argument set-up stays); the path ends at the first
    return, tail call or other unconditional jump.  On mips64el the delay
    slot after a call/jump is executed, so it is kept.
  - many_caches is left out: its entry is an indexed jump, so no single
    straight-line block represents it.
  - objdump syntax is converted to what llvm-mca's assembler takes:
    addresses of pc-relative operands become an undefined label, mips
    registers get their `$`, ppc64le `rN` become `N`.
Three figures per block, all in mca-cycles(<cpu>), under llvm-mca's names:
  throughput_cycles: Total Cycles / Iterations at -iterations=100 (steady
                     state, back-to-back repetitions of the block);
  block_rthroughput: Block RThroughput of the same run (resource bound,
                     no dependencies);
  latency_cycles:    Total Cycles at -iterations=1 (one pass through the
                     pipeline: the block's critical path plus the
                     pipeline fill; loads assumed to hit L1).
"""
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

from ..io import check_not_killed
from ..vocab import DEFAULT_CONFIG, FNS, mca_unit
from .elf import real_insns

# KCB_LLVM_BIN: another LLVM 16 bin folder (the fault tests put a failing
# llvm-mca there)
LLVM_BIN = os.environ.get("KCB_LLVM_BIN", "/usr/lib/llvm-16/bin")
LLVM_MCA = LLVM_BIN + "/llvm-mca"
THROUGHPUT_ITERS = 100
MCA_FNS = tuple(f for f in FNS if f != "many_caches")  # see above: no single block

S390_COND_BRANCH = re.compile(r"^(c|cl)(g)?(r|i)?[jb]|^j(?!g?$)|^brc|^bc|^brct")


def classify(arch, insn):
    """'call', 'stop' (return / unconditional jump), 'cond', or None."""
    m, ops = insn.mnem, insn.ops.replace(" ", "")
    if arch in ("x86_64", "i686"):
        if m.startswith("call"):
            return "call"
        if m.startswith("jmp") or m.startswith("ret"):
            return "stop"
        if m.startswith("j") or m.startswith("loop"):
            return "cond"
        return None
    if arch == "arm64":
        if m in ("bl", "blr"):
            return "call"
        if m in ("b", "br", "ret"):
            return "stop"
        if m.startswith("b.") or m in ("cbz", "cbnz", "tbz", "tbnz"):
            return "cond"
        return None
    if arch == "riscv64":
        if m in ("jal", "jalr"):
            return "call" if ops.startswith("ra,") or ops.startswith("x1,") else "stop"
        if m == "c.jalr":
            return "call"
        if m in ("c.j", "c.jr", "ret", "j", "jr", "tail"):
            return "stop"
        if m.startswith("b") or m in ("c.beqz", "c.bnez"):
            return "cond"
        return None
    if arch == "s390x":
        if m in ("brasl", "basr", "bras", "balr"):
            return "call"
        if m in ("br", "j", "jg", "bcr") and not (m == "bcr" and not ops.startswith("15,")):
            return "stop"
        if S390_COND_BRANCH.match(m):
            return "cond"
        return None
    if arch == "ppc64le":
        if m in ("bl", "bctrl", "blrl"):
            return "call"
        if m in ("b", "blr", "bctr"):
            return "stop"
        if m.startswith("b"):
            return "cond"
        return None
    if arch == "armhf":
        base = m.split(".")[0]
        if base in ("bl", "blx"):
            return "call"
        if base in ("b", "bx") or (base.startswith("pop") and "pc" in ops):
            return "stop"
        if base in ("cbz", "cbnz") or (base.startswith("b") and len(base) == 3 and base not in ("bic", "bfi", "bfc")):
            return "cond"
        return None
    if arch == "mips64el":
        if m in ("jal", "jalr", "bal"):
            return "call"
        if m in ("j", "jr", "b"):
            return "stop"
        if m.startswith("b") and m not in ("break",):
            return "cond"
        return None
    return None


def hot_block(arch, insns):
    """The fall-through path of one symbol, control transfers removed."""
    out = []
    insns = real_insns(insns)
    delay = arch == "mips64el"
    i = 0
    while i < len(insns):
        c = classify(arch, insns[i])
        if c is None:
            out.append(insns[i])
        elif c == "stop":
            if delay and i + 1 < len(insns):
                out.append(insns[i + 1])
            break
        i += 1
    return out


JUMP_TARGET_RE = re.compile(r"^([0-9a-f]+)\b")


def _forward_target(insns, i):
    """Index of the instruction a direct jump at i lands on, when it lands
    further down the same function (a jump over padding); else None."""
    m = JUMP_TARGET_RE.match(insns[i].ops.strip())
    if not m:
        return None
    target = int(m.group(1), 16)
    for j in range(i + 1, len(insns)):
        if insns[j].addr == target:
            return j
    return None


def path_insns(arch, insns):
    """How many instructions one pass along the fall-through path executes
    (calls and not-taken branches included, a forward jump inside the
    function followed, up to and including the return or tail call, and
    its delay slot on mips64el)."""
    insns = real_insns(insns)
    n, i = 0, 0
    while i < len(insns):
        n += 1
        if classify(arch, insns[i]) == "stop":
            j = None if arch == "mips64el" else _forward_target(insns, i)
            if j is None:
                return n + (1 if arch == "mips64el" and i + 1 < len(insns) else 0)
            i = j
            continue
        i += 1
    return None


MIPS_REGS = set("zero at v0 v1 a0 a1 a2 a3 a4 a5 a6 a7 t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 "
                "s0 s1 s2 s3 s4 s5 s6 s7 s8 k0 k1 gp sp fp ra".split())
ARM64_PCREL = ("adrp", "adr", "ldr", "ldrsw", "prfm")


def to_llvm(arch, insn):
    """One objdump instruction as llvm-mca input text."""
    m, ops = insn.mnem, insn.ops
    if arch == "arm64" and m in ARM64_PCREL and re.match(r"^[xw]\d+,\s*[0-9a-f]+$", ops):
        ops = re.sub(r",\s*[0-9a-f]+$", ", kcb_sym", ops)
    elif arch == "s390x" and (m.endswith("rl") or m == "larl") and re.search(r",\s*[0-9a-f]+$", ops):
        ops = re.sub(r",\s*[0-9a-f]+$", ",kcb_sym", ops)
    elif arch == "riscv64" and m in ("auipc", "lui"):
        pass
    elif arch == "mips64el":
        ops = re.sub(r"\b([a-z][a-z0-9]*)\b", lambda t: "$" + t.group(1) if t.group(1) in MIPS_REGS else t.group(1), ops)
    elif arch == "ppc64le":
        ops = re.sub(r"\b[rf](\d+)\b", r"\1", ops)
        ops = re.sub(r"\bcr(\d)\b", r"\1", ops)
    elif arch == "armhf":
        ops = re.sub(r"\[pc,\s*#-?\d+\]", "kcb_sym", ops) if m.startswith("ldr") else ops
    return f"{m} {ops}".strip()


def build_input(arch, blocks):
    """blocks: [(name, [Insn])] -> llvm-mca source with one region each."""
    lines = [".syntax unified", ".thumb"] if arch == "armhf" else []
    for name, insns in blocks:
        lines.append(f"# LLVM-MCA-BEGIN {name}")
        lines.extend(to_llvm(arch, i) for i in insns)
        lines.append(f"# LLVM-MCA-END {name}")
    if arch == "armhf":  # '#' starts no comment in ARM asm; use '@'
        lines = [ln.replace("# LLVM-MCA", "@ LLVM-MCA") for ln in lines]
    return "\n".join(lines) + "\n"


REGION_RE = re.compile(r"^\[\d+\] Code Region - (\S+)", re.M)


def parse_output(text):
    """llvm-mca stdout -> {region: {iterations, total_cycles, rthroughput}}."""
    out = {}
    parts = REGION_RE.split(text)
    # parts: [pre, name1, body1, name2, body2, ...]
    for name, body in zip(parts[1::2], parts[2::2]):
        it = re.search(r"^Iterations:\s+(\d+)", body, re.M)
        cyc = re.search(r"^Total Cycles:\s+(\d+)", body, re.M)
        rt = re.search(r"^Block RThroughput:\s+([0-9.]+)", body, re.M)
        if it and cyc:
            out[name] = dict(iterations=int(it.group(1)), total_cycles=int(cyc.group(1)),
                             rthroughput=float(rt.group(1)) if rt else None)
    return out


def run_mca(arch_info, cpu, source, iterations):
    cmd = [LLVM_MCA, "-mtriple=" + arch_info.mca_triple, "-mcpu=" + cpu,
           "-iterations=%d" % iterations, "-all-stats=false", "-instruction-info=false",
           "-resource-pressure=false"]
    if arch_info.mca_attr:
        cmd.append("-mattr=" + arch_info.mca_attr)
    try:
        res = subprocess.run(cmd, input=source, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None, f"{LLVM_MCA} not found"
    check_not_killed(f"{LLVM_MCA} -mcpu={cpu}", res.returncode)
    err = res.stderr.strip()
    if "not a recognized processor" in err:
        return None, f"LLVM 16 does not know CPU {cpu}"
    if res.returncode != 0:
        m = re.search(r"note: instruction:\s*(.*)", err)
        if "unsupported instruction" in err and m:
            return None, f"LLVM 16's {cpu} model has no scheduling data for `{' '.join(m.group(1).split())}`"
        first = err.splitlines()[0] if err else f"exit {res.returncode}"
        return None, f"llvm-mca failed: {first}"
    return parse_output(res.stdout), None


def run_blocks(arch, arch_info, cpu, blocks, iterations):
    """All blocks in one llvm-mca run; if that fails, block by block, so one
    instruction the model lacks costs only its own block."""
    res, err = run_mca(arch_info, cpu, build_input(arch, blocks), iterations)
    if res is not None or "does not know CPU" in (err or ""):
        return res, err, {}
    out, errs = {}, {}
    for name, blk in blocks:
        r, e = run_mca(arch_info, cpu, build_input(arch, [(name, blk)]), iterations)
        if r and name in r:
            out[name] = r[name]
        else:
            errs[name] = e or "llvm-mca gave no result"
    return out, None, errs


def estimate(arch, arch_info, paths, jobs=2):
    """paths: [{model, fn, variant, config, insns}] -> list of mca records."""
    blocks = []
    for p in paths:
        if p["fn"] not in MCA_FNS:
            continue
        blk = hot_block(arch, p["insns"])
        if blk:
            p = dict(p, config=p.get("config", DEFAULT_CONFIG))
            blocks.append((f"{p['fn']}.{p['model']}.{p['variant']}.{p['config']}", blk, p))
    named = [(n, b) for n, b, _ in blocks]
    jobs_list = [(cpu, iters) for cpu in arch_info.mca_cpus for iters in (THROUGHPUT_ITERS, 1)]
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        results = list(ex.map(lambda j: run_blocks(arch, arch_info, j[0], named, j[1]), jobs_list))
    by = dict(zip(jobs_list, results))
    records = []
    for cpu in arch_info.mca_cpus:
        tp, tp_err, tp_errs = by[(cpu, THROUGHPUT_ITERS)]
        lat, lat_err, lat_errs = by[(cpu, 1)]
        if tp is None or lat is None:
            records.append(dict(cpu=cpu, status="no model", reason=tp_err or lat_err,
                                unit=mca_unit(cpu)))
            continue
        for name, blk, p in blocks:
            t, l = tp.get(name), lat.get(name)
            if not t or not l:
                records.append(dict(cpu=cpu, model=p["model"], fn=p["fn"], variant=p["variant"],
                                    config=p["config"], unit=mca_unit(cpu), status="no model",
                                    reason=tp_errs.get(name) or lat_errs.get(name)
                                    or "llvm-mca gave no result for this block"))
                continue
            records.append(dict(cpu=cpu, model=p["model"], fn=p["fn"], variant=p["variant"],
                                config=p["config"], unit=mca_unit(cpu), insns=len(blk),
                                throughput_cycles=round(t["total_cycles"] / t["iterations"], 3),
                                block_rthroughput=t["rthroughput"],
                                latency_cycles=l["total_cycles"]))
    return records
