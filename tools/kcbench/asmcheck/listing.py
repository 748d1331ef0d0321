# SPDX-License-Identifier: GPL-2.0
"""The listing the asm checks read: objdump's, reduced to the
kcb_site__* / kcb_callsite__* symbols and the allocator's fast-path entry
points of both configs (kcb_sheaves_alloc, ..., kcb_cpu_slab_free__minimal:
where the per-CPU base, the static keys, prefetchw and the double-word
cmpxchg show their kernel forms) in name order (link order does not
matter), one instruction a line, without addresses:
  kcb_site__sheaves__runtime_const:
  movabs $0x123456789abcdef0,%rax
  ret
"""
import re

from ..static.elf import Elf

CHECKED = re.compile(r"^kcb_(site|callsite)__[a-z_]+__[a-z0-9_]+$"
                     r"|^kcb_(sheaves|cpu_slab)_(alloc|free)(__minimal)?$")
# objdump's trailing comments (x86/riscv "# 42e020 <sym>", arm64 "// #3264",
# arm "@ 0x4d2") repeat the operand as a computed value, sometimes named after
# an unrelated symbol (__BSS_END__+...).  Only an exact kcb_* symbol is kept.
COMMENT_RE = re.compile(r"\s+(#|//|@)\s.*$")
KCB_REF_RE = re.compile(r"<(kcb_[A-Za-z0-9_]+)>")  # exact: "+off" refs are often coincidences
HEAD_RE = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
LINE_RE = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")


def symbol_ends(binary):
    """{name: end address} of the checked function symbols (the alignment
    padding objdump shows after a function is not part of it)."""
    return {name: start + size for name, (start, size, _) in Elf(binary).funcs.items()
            if CHECKED.match(name)}


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
