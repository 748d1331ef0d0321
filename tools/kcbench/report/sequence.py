# SPDX-License-Identifier: GPL-2.0
"""Call-site instruction sequences: their text, and the memory loads in
them (each one sits on the dependency chain of the cache address)."""

import re

_OBJDUMP_PREFIX = re.compile(r"^\s*[0-9a-f]+:\s+(?:[0-9a-f]{2,8}\s)+\s*")


def insns_of(seq):
    """The site sequence as [(mnemonic, operands)], from a list of strings,
    a list of {mnemonic, operands|op_str} dicts or one string ('a+b' or
    'a; b')."""
    if seq is None:
        return []
    if isinstance(seq, str):  # 'adrp+ldr', 'mov rip-rel' or 'a x; b y'
        parts = re.split(r"[;\n]", seq) if re.search(r"[;\n]", seq) \
            else seq.split("+")
        seq = [p for p in parts if p.strip()]
    out = []
    for it in seq:
        if isinstance(it, dict):
            mn = it.get("mnemonic") or it.get("op") or it.get("insn") or ""
            ops = it.get("operands") or it.get("op_str") or it.get("args") or ""
            if not mn:
                text = it.get("asm") or it.get("text") or ""
                mn, _, ops = text.strip().partition(" ")
        else:
            text = _OBJDUMP_PREFIX.sub("", str(it)).replace("\t", " ").strip()
            mn, _, ops = text.partition(" ")
        out.append((mn.strip().lower(), ops.strip()))
    return out


def seq_text(seq):
    """The producer's own name ('adrp+ldr', 'mov rip-rel') when it gave a
    string, else mnemonics joined by '+'."""
    if isinstance(seq, str) and seq.strip():
        return seq.strip()
    return "+".join(mn for mn, _ in insns_of(seq)) or "n/a"


def _first_operand(ops):
    depth = 0
    for i, c in enumerate(ops):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            return ops[:i].strip()
    return ops.strip()


def _is_load(arch, mn, ops):
    """True/False, or None when the text cannot tell (x86 without operands)."""
    mn = mn.split(".")[0] if arch in ("armhf",) else mn
    if arch in ("x86_64", "i686"):
        if mn.startswith(("lea", "nop", "endbr")):
            return False
        if not ops:
            return None if mn.startswith("mov") else False
        if ops in ("rip-rel", "mem"):  # static_metrics' sequence names
            return True
        if ops == "$imm":
            return False
        if "%" not in ops and "$" not in ops:  # Intel: source is 2nd
            src = ops.split(",", 1)[-1]
            return "[" in src or "ds:" in src
        src = _first_operand(ops)
        return not src.startswith(("$", "%"))
    if arch == "arm64":
        return mn.startswith("ld")
    if arch == "armhf":
        return mn.startswith(("ldr", "ldm", "vldr", "pop"))
    if arch == "riscv64":
        return re.fullmatch(r"(c\.)?l[bhwd]u?(sp)?", mn) is not None
    if arch == "s390x":
        if mn in ("la", "lay", "larl") or not mn.startswith("l"):
            return False
        return "(" in ops or mn.endswith("rl") or not ops
    if arch == "ppc64le":
        return re.fullmatch(r"p?l(bz|hz|ha|wz|wa|d)u?x?", mn) is not None
    if arch == "mips64el":
        return mn in ("ld", "lw", "lwu", "lh", "lhu", "lb", "lbu")
    return None


def count_loads(arch, seq):
    """Memory loads in a call-site sequence: each one sits on the dependency
    chain of the cache address.  None when unknown."""
    ins = insns_of(seq)
    if not ins:
        return None
    n = 0
    for mn, ops in ins:
        v = _is_load(arch, mn, ops)
        if v is None:
            return None
        n += v
    return n
