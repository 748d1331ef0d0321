#!/usr/bin/python3
"""Asm assertions: the kcb_site__* and kcb_callsite__* code of a built
binary, checked with LLVM FileCheck against tests/asm/<arch>.check.

  run_check.py --arch A --objdump T-objdump --binary B --check F [--doctored]
  run_check.py --arch A --listing L --check F [--doctored]   (a saved listing)

The listing fed to FileCheck is objdump's, reduced to the checked symbols in
name order (link order does not matter) and one instruction a line, without
addresses:
  kcb_site__sheaves__runtime_const:
  movabs $0x123456789abcdef0,%rax
  ret
--doctored proves the check can fail: the clean listing must pass, then the
first instruction of every runtime_const, projected and static call site is replaced by
`nop` and FileCheck must reject it.  Exit 0 only when both hold.
"""
import argparse
import os
import re
import subprocess
import sys

FILECHECK = "/usr/lib/llvm-16/bin/FileCheck"
CHECKED = re.compile(r"^kcb_(site|callsite)__[a-z_]+__[a-z0-9_]+$")
# objdump's trailing comments (x86/riscv "# 42e020 <sym>", arm64 "// #3264",
# arm "@ 0x4d2") repeat the operand as a computed value, sometimes named after
# an unrelated symbol (__BSS_END__+...).  Only an exact kcb_* symbol is kept.
COMMENT_RE = re.compile(r"\s+(#|//|@)\s.*$")
KCB_REF_RE = re.compile(r"<(kcb_[A-Za-z0-9_]+)>")  # exact: "+off" refs are often coincidences
HEAD_RE = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
LINE_RE = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")


def objdump_args(arch):
    # the same views as tools/kcb_elf.py: riscv64/arm64 without aliases
    return ["-M", "no-aliases"] if arch in ("riscv64", "arm64") else []


def disassemble(objdump, binary, arch):
    cmd = [objdump, "-d", "-w", "--no-show-raw-insn"] + objdump_args(arch) + [binary]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit(f"run_check: {objdump} not found")
    if res.returncode != 0:
        raise SystemExit(f"run_check: {objdump} failed on {binary}")
    return res.stdout


def symbol_ends(binary):
    """{name: end address} of the function symbols (the alignment padding
    objdump shows after a function is not part of it)."""
    from elftools.elf.elffile import ELFFile
    ends = {}
    with open(binary, "rb") as f:
        elf = ELFFile(f)
        thumb = elf["e_machine"] == "EM_ARM"
        symtab = elf.get_section_by_name(".symtab")
        for s in symtab.iter_symbols() if symtab else []:
            if s["st_info"]["type"] == "STT_FUNC" and CHECKED.match(s.name):
                start = s["st_value"] & ~1 if thumb else s["st_value"]
                ends[s.name] = start + s["st_size"]
    return ends


def reduce_listing(text, ends=None):
    """objdump text -> {symbol: [insn text]} for the checked symbols; with
    ends, instructions past a symbol's end (padding) are left out."""
    blocks, cur = {}, None
    for line in text.splitlines():
        m = HEAD_RE.match(line)
        if m:
            cur = m.group(1) if CHECKED.match(m.group(1)) else None
            if cur:
                blocks[cur] = []
            continue
        if cur is None:
            continue
        m = LINE_RE.match(line)
        if m:
            if ends and cur in ends and int(m.group(1), 16) >= ends[cur]:
                continue
            body = " ".join(m.group(2).split())
            c = COMMENT_RE.search(body)
            if c:
                ref = KCB_REF_RE.search(c.group(0))
                body = body[:c.start()] + (f" # <{ref.group(1)}>" if ref else "")
            if body:
                blocks[cur].append(body)
        elif not line.strip():
            cur = None  # a blank line ends the symbol
    return blocks


def render(blocks):
    out = []
    for sym in sorted(blocks):
        out.append(sym + ":")
        out.extend(blocks[sym])
    return "\n".join(out) + "\n"


def doctor(blocks):
    """Replace the first instruction of every runtime_const/projected/static site."""
    changed = 0
    for sym, insns in blocks.items():
        if sym.startswith("kcb_site__") and ("__runtime_const" in sym or "__projected" in sym
                                             or sym.endswith("__static")) and insns:
            insns[0] = "nop"
            changed += 1
    return changed


def filecheck(check, text):
    try:
        res = subprocess.run([FILECHECK, "--dump-input=never", check], input=text,
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit(f"run_check: {FILECHECK} not found")
    return res.returncode, res.stderr


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--check", required=True)
    ap.add_argument("--objdump")
    ap.add_argument("--binary")
    ap.add_argument("--listing")
    ap.add_argument("--doctored", action="store_true")
    a = ap.parse_args(argv)
    if not os.path.exists(a.check):
        print(f"run_check: no check file {a.check}", file=sys.stderr)
        return 2
    ends = None
    if a.listing:
        if not os.path.exists(a.listing):
            print(f"run_check: no listing {a.listing}", file=sys.stderr)
            return 2
        with open(a.listing) as f:
            text = f.read()
    elif a.objdump and a.binary:
        if not os.path.exists(a.binary):
            print(f"run_check: no binary {a.binary}", file=sys.stderr)
            return 2
        text = disassemble(a.objdump, a.binary, a.arch)
        ends = symbol_ends(a.binary)
    else:
        print("run_check: give --listing, or --objdump and --binary", file=sys.stderr)
        return 2
    blocks = reduce_listing(text, ends)
    if not blocks:
        print("run_check: no kcb_site__/kcb_callsite__ symbols in the listing", file=sys.stderr)
        return 2
    rc, err = filecheck(a.check, render(blocks))
    if not a.doctored:
        sys.stderr.write(err)
        return rc
    if rc != 0:
        sys.stderr.write(err)
        print("run_check: the clean listing already fails; the doctored test proves nothing",
              file=sys.stderr)
        return 1
    if doctor(blocks) == 0:
        print("run_check: nothing to doctor (no runtime_const/static sites)", file=sys.stderr)
        return 1
    rc, err = filecheck(a.check, render(blocks))
    if rc == 0:
        print("run_check: FileCheck ACCEPTED the doctored listing: the check cannot catch a "
              "changed sequence", file=sys.stderr)
        return 1
    print("run_check: doctored listing rejected, as it must be", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
