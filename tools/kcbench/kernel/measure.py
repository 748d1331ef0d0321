# SPDX-License-Identifier: GPL-2.0
"""Figures on the built objects: llvm-mca on each call site's block and the
tree's own scripts/bloat-o-meter between variants."""
import os
import re
import subprocess

LLVM_MCA = "/usr/lib/llvm-16/bin/llvm-mca"
MCA_ITERATIONS = 100
BLOCK_MAX = 12
STOP = {"x86_64": re.compile(r"^(j|call|ret|jmp|int3|ud2)"),
        "arm64": re.compile(r"^(b|bl|br|blr|ret|cbz|cbnz|tbz|tbnz|b\..*)$"),
        "s390x": re.compile(r"^(j|br|bc|bras|brasl|brc|brcl|cij|cgij|clij|clgij|crj|cgrj|clrj|clgrj|bcr|bct)"),
        "riscv64": re.compile(r"^(j|jal|jalr|jr|ret|call|tail|beq|bne|blt|bge|bltu|bgeu|beqz|bnez|blez|bgez|bltz|bgtz)$")}


def block(arch, insns, first, last):
    """The site's instructions and what follows up to the next control
    transfer (the call that takes the cache), at most BLOCK_MAX."""
    out = []
    stop = STOP[arch]
    # a far address-forming instruction (control transfer between) is left out
    start = first if not any(stop.match(insns[k].mnem) for k in range(first, last)) else last
    k = start
    while k < len(insns) and len(out) < BLOCK_MAX:
        if stop.match(insns[k].mnem):
            break
        out.append(insns[k])
        k += 1
    return out


def to_llvm(arch, insn):
    m, ops = insn.mnem, insn.ops
    ops = re.sub(r"\s*<[^>]*>", "", ops)
    if arch == "arm64" and m in ("adrp", "adr"):
        ops = re.sub(r",\s*[0-9a-f]+$", ", kcb_sym", ops)
    elif arch == "s390x" and (m.endswith("rl") or m == "larl"):
        ops = re.sub(r",\s*[0-9a-f]+$", ",kcb_sym", ops)
    return f"{m} {ops}".strip()


def mca(arch, triple, cpu, blocks):
    """blocks: [(name, [Insn])] -> {name: {cycles, rthroughput, insns} or
    {error}}; one llvm-mca run per batch, one per block when a batch fails."""
    def run(batch):
        src = []
        for name, ins in batch:
            src.append(f"# LLVM-MCA-BEGIN {name}")
            src += [to_llvm(arch, i) for i in ins]
            src.append(f"# LLVM-MCA-END {name}")
        r = subprocess.run([LLVM_MCA, f"-mtriple={triple}", f"-mcpu={cpu}",
                            f"-iterations={MCA_ITERATIONS}"], input="\n".join(src) + "\n",
                           capture_output=True, text=True)
        if r.returncode:
            return None, (r.stderr.strip().splitlines() or ["llvm-mca failed"])[0]
        res = {}
        parts = re.split(r"^\[\d+\] Code Region - (\S+)", r.stdout, flags=re.M)
        if len(parts) == 1:
            parts = ["", batch[0][0], r.stdout]
        for name, body in zip(parts[1::2], parts[2::2]):
            cyc = re.search(r"^Total Cycles:\s+(\d+)", body, re.M)
            rt = re.search(r"^Block RThroughput:\s+([0-9.]+)", body, re.M)
            if cyc:
                res[name] = dict(cycles_per_iteration=int(cyc.group(1)) / MCA_ITERATIONS,
                                 rthroughput=float(rt.group(1)) if rt else None)
        return res, None
    blocks = [(n, b) for n, b in blocks if b]
    if not blocks:
        return {}
    res, err = run(blocks)
    if res is not None:
        return res
    out = {}
    for b in blocks:
        r, e = run([b])
        out[b[0]] = r.get(b[0]) if r else dict(error=e)
    return out


def bloat(tree, cross, old, new, text_only=False):
    """scripts/bloat-o-meter [-t] old new -> {rows, add, remove, grow,
    shrink, up, down, net, before, after} or {error}.  -t: functions only
    (text symbols); without it data symbols such as the static instances
    count too."""
    script = os.path.join(tree, "scripts", "bloat-o-meter")
    cmd = (["/usr/bin/python3", script] + (["-p", cross] if cross else [])
           + (["-t"] if text_only else []) + [old, new])
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        return dict(error=(r.stderr.strip().splitlines() or ["bloat-o-meter failed"])[-1])
    out = dict(rows=[])
    for line in r.stdout.splitlines():
        m = re.match(r"add/remove: (\d+)/(\d+) grow/shrink: (\d+)/(\d+) up/down: (\d+)/(-?\d+) \((-?\d+)\)", line)
        if m:
            out.update(zip(("add", "remove", "grow", "shrink", "up", "down", "net"), map(int, m.groups())))
            continue
        m = re.match(r"Total: Before=(\d+), After=(\d+)", line)
        if m:
            out.update(before=int(m.group(1)), after=int(m.group(2)))
            continue
        m = re.match(r"^(\S+)\s+(-|\d+)\s+(-|\d+)\s+([-+]\d+)$", line)
        if m and m.group(1) != "Function":
            out["rows"].append(dict(symbol=m.group(1),
                                    old=None if m.group(2) == "-" else int(m.group(2)),
                                    new=None if m.group(3) == "-" else int(m.group(3)),
                                    delta=int(m.group(4))))
    return out
