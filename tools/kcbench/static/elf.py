# SPDX-License-Identifier: GPL-2.0
"""ELF and disassembly reading for the static metrics and the asm checks.

Symbols and the hot-path registry come from pyelftools; instructions from the
cross binutils objdump (one run per file).  Errors are raised as KcbError
with a one-line message; the entry point prints it and exits non-zero.
"""
import bisect
import re
import subprocess
import tempfile

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from ..io import KcbError
from ..vocab import (CONFIGS, DEFAULT_CONFIG, FNS, GENERIC_RC_ARCHES, GENERIC_RC_NOTE, MODELS,
                     VARIANT_NOTES)
from .isa_view import decodable

# kcb_<fn>__<model>__<variant> (the default config), or with __<config>
_OTHER_CONFIGS = [c for c in CONFIGS if c != DEFAULT_CONFIG]
SYM_RE = re.compile(rf"^kcb_({'|'.join(FNS)})__({'|'.join(MODELS)})__([A-Za-z0-9_]+?)"
                    rf"(?:__({'|'.join(_OTHER_CONFIGS)}))?$")


def parse_symbol(name):
    """kcb_<fn>__<model>__<variant>[__<config>] -> (fn, model, variant,
    config), else None."""
    m = SYM_RE.match(name)
    return m.groups()[:3] + (m.group(4) or DEFAULT_CONFIG,) if m else None


def default_note(arch, variant):
    """The registry's note, for objects that carry no registry (unlinked)."""
    if variant == "runtime_const" and arch in GENERIC_RC_ARCHES:
        return GENERIC_RC_NOTE
    return VARIANT_NOTES.get(variant, "")


class Elf:
    """Function symbols (start, size) and, for linked files, the registry."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                elf = ELFFile(f)
                self.machine = elf["e_machine"]
                self.elfclass = elf.elfclass
                self.little = elf.little_endian
                self.is_exec = elf["e_type"] in ("ET_EXEC", "ET_DYN")
                self.local_entry = {}
                self.funcs = self._read_funcs(elf)
                self.registry = self._read_registry(elf) if self.is_exec else []
        except FileNotFoundError:
            raise KcbError(f"no such file: {path}") from None
        except (ELFError, OSError) as e:
            raise KcbError(f"not a readable ELF file: {path}: {e}") from None

    def _read_funcs(self, elf):
        funcs = {}
        symtab = elf.get_section_by_name(".symtab")
        if symtab is None:
            raise KcbError(f"{self.path}: no .symtab (stripped?)")
        thumb = self.machine == "EM_ARM"
        for sym in symtab.iter_symbols():
            if sym["st_info"]["type"] != "STT_FUNC" or not sym.name or sym["st_shndx"] == "SHN_UNDEF":
                continue
            addr = sym["st_value"]
            if thumb:
                addr &= ~1  # the Thumb bit is not part of the address
            # relocatable objects: addresses are per section, so keep its name
            sec = None if self.is_exec else elf.get_section(sym["st_shndx"]).name
            funcs[sym.name] = (addr, sym["st_size"], sec)
            if self.machine == "EM_PPC64":
                # ELFv2: st_other bits 5..7 give the local entry's offset,
                # where direct calls enter (after the TOC set-up)
                try:
                    bits = int(sym["st_other"]["local"])
                except (KeyError, TypeError, ValueError):
                    bits = 0
                self.local_entry[sym.name] = addr + (((1 << bits) >> 2) << 2 if bits >= 2 else 0)
        return funcs

    def entry(self, name):
        """The address every call of name passes through (ppc64le: its local
        entry point; elsewhere: its start)."""
        return self.local_entry.get(name, self.funcs[name][0])

    def _read_registry(self, elf):
        """Entries of section kcb_hotpath_table: pointers to struct kcb_hotpath
        {const char *symbol, *fn, *model, *variant, *note; unsigned kind; ...}."""
        sec = elf.get_section_by_name("kcb_hotpath_table")
        if sec is None:
            return []
        psize = 8 if self.elfclass == 64 else 4
        order = "little" if self.little else "big"
        segs = [(s["p_vaddr"], s.data()) for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]

        def read(addr, n):
            for base, data in segs:
                if base <= addr and addr + n <= base + len(data):
                    return data[addr - base:addr - base + n]
            raise KcbError(f"{self.path}: registry points outside the image (0x{addr:x})")

        def word(addr):
            return int.from_bytes(read(addr, psize), order)

        def cstr(addr):
            for base, data in segs:
                if base <= addr < base + len(data):
                    end = data.index(b"\0", addr - base)
                    return data[addr - base:end].decode()
            raise KcbError(f"{self.path}: registry string outside the image (0x{addr:x})")

        raw = sec.data()
        out = []
        for off in range(0, len(raw), psize):
            ent = int.from_bytes(raw[off:off + psize], order)
            fields = [cstr(word(ent + i * psize)) for i in range(6)]
            kind = int.from_bytes(read(ent + 6 * psize, 4), order)
            out.append(dict(zip(("symbol", "fn", "model", "variant", "config", "note"), fields),
                            kind=kind))
        return out

    def hot_paths(self, arch):
        """[{symbol, fn, model, variant, config, note}] of every hot-path symbol, in
        symbol-name order; from the registry when linked, else from names."""
        by_sym = {e["symbol"]: e for e in self.registry}
        out = []
        for name in sorted(self.funcs):
            parsed = parse_symbol(name)
            if not parsed:
                continue
            fn, model, variant, config = parsed
            ent = by_sym.get(name)
            note = ent["note"] if ent else default_note(arch, variant)
            if ent:
                fn, model, variant, config = ent["fn"], ent["model"], ent["variant"], ent["config"]
            out.append(dict(symbol=name, fn=fn, model=model, variant=variant, config=config,
                            note=note))
        if self.registry:
            missing = sorted(set(by_sym) - {h["symbol"] for h in out})
            if missing:
                raise KcbError(f"{self.path}: registered but no symbol: {missing[0]}")
        return out


# ---- disassembly ----

LINE_RE = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")


class Insn:
    __slots__ = ("addr", "size", "mnem", "ops", "text")

    def __init__(self, addr, mnem, ops, text):
        self.addr, self.size, self.mnem, self.ops, self.text = addr, 0, mnem, ops, text

    def __repr__(self):
        return f"{self.addr:x}:{self.size}:{self.text}"


def objdump_args(arch):
    # riscv: no aliases, so the patched forms read as the kernel spells them
    # (an unpatched `addiw a0,a0,0` would otherwise print as sext.w).
    # arm64 likewise: movz, not its `mov` alias.
    return ["-M", "no-aliases"] if arch in ("riscv64", "arm64") else []


def run_objdump(objdump, path, arch):
    try:
        with tempfile.TemporaryDirectory(prefix="kcb-objdump-") as tmp:
            cmd = [objdump, "-d", "-w", "--no-show-raw-insn"] + objdump_args(arch) + \
                [decodable(objdump, path, arch, tmp)]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise KcbError(f"objdump not found: {objdump}") from None
    if res.returncode != 0:
        raise KcbError(f"{objdump} failed on {path}: {res.stderr.strip().splitlines()[-1:]}")
    return res.stdout


COMMENT_RE = {"arm64": re.compile(r"\s*//.*$"), "armhf": re.compile(r"\s*@.*$")}
HASH_COMMENT_RE = re.compile(r"\s+#\s.*$")
SYMREF_RE = re.compile(r"\s*<[^>]*>")


def parse_listing(text, arch=None):
    """objdump -d text -> {section: sorted [Insn]} (data words such as .word kept, marked
    by a mnemonic starting with '.'); comments and <sym+off> annotations
    dropped; sizes from the next address."""
    comment = COMMENT_RE.get(arch, HASH_COMMENT_RE)
    sections = {}
    insns = sections.setdefault(None, [])
    for line in text.splitlines():
        if line.startswith("Disassembly of section "):
            insns = sections.setdefault(line[len("Disassembly of section "):].rstrip(":"), [])
            continue
        m = LINE_RE.match(line)
        if not m:
            continue
        body = SYMREF_RE.sub("", comment.sub("", m.group(2))).strip()
        if not body:
            continue
        parts = body.split(None, 1)
        mnem = parts[0]
        ops = parts[1].strip() if len(parts) > 1 else ""
        insns.append(Insn(int(m.group(1), 16), mnem, ops, (mnem + " " + ops).strip()))
    for insns in sections.values():
        insns.sort(key=lambda i: i.addr)
        for a, b in zip(insns, insns[1:]):
            a.size = b.addr - a.addr
    return sections


class Listing:
    """A parsed objdump listing, sliced by address range."""

    def __init__(self, text, arch=None):
        self.sections = parse_listing(text, arch)
        # a linked file has unique addresses: one merged, sorted list
        self.insns = sorted((i for v in self.sections.values() for i in v), key=lambda i: i.addr)
        self.addrs = [i.addr for i in self.insns]

    def range(self, start, size, section=None):
        """Instructions in [start, start+size); section: for relocatable files."""
        insns = self.insns if section is None else self.sections.get(section, [])
        addrs = self.addrs if section is None else [i.addr for i in insns]
        lo = bisect.bisect_left(addrs, start)
        hi = bisect.bisect_left(addrs, start + size)
        out = insns[lo:hi]
        if out:
            last = out[-1]
            last.size = min(last.size, start + size - last.addr) if last.size else start + size - last.addr
        return out


def real_insns(insns):
    """Instructions only: data words (.word/.long/.short) are not counted."""
    return [i for i in insns if not i.mnem.startswith(".")]


# ---- per-call-site materialisation ----
#
# A kcb_site__* function returns the cache address and does nothing else, so
# its materialisation is the function minus what every function has:
#   - the return: x86 ret; arm64 ret; riscv64 jalr zero,0(ra) (c.jr ra);
#     s390x br %r14; ppc64le blr; armhf bx lr / pop {..pc}; mips64el jr ra
#     and, when it is a nop, its delay-slot filler (a useful delay-slot insn
#     such as the last half of the address stays);
#   - the frame that -fno-omit-frame-pointer builds in leaf functions: any
#     insn naming the stack or frame pointer (x86 rbp/rsp, arm64 sp/x29/x30,
#     riscv64 sp/s0, s390x %r11/%r15 (plus %f0 that saves %r11), ppc64le
#     r1/r31, armhf sp/r7 (Thumb frame pointer), mips64el sp/s8);
#   - ppc64le: the global-entry TOC setup (addis r2,r12 / addi r2,r2: paid
#     once per function, not per site) and `ori r2,r2,0`, a scheduling nop
#     the compiler adds after the frame teardown.
# A materialisation never touches those registers, so nothing of it is lost.

FRAME_REGS = {
    "x86_64": {"rbp", "rsp", "ebp", "esp"},
    "i686": {"ebp", "esp"},
    "arm64": {"sp", "x29", "x30"},
    "riscv64": {"sp", "s0", "fp"},
    "s390x": {"r11", "r15", "f0"},
    "ppc64le": {"r1", "r31"},
    "armhf": {"sp", "r7"},
    "mips64el": {"sp", "s8", "fp"},
}
REG_TOKEN = re.compile(r"(?<![0-9A-Za-z_.])[%$]?([A-Za-z][A-Za-z0-9.]*)")


def is_return(arch, insn):
    m, ops = insn.mnem, insn.ops.replace(" ", "")
    if arch in ("x86_64", "i686"):
        return m in ("ret", "retq", "retl")
    if arch == "arm64":
        return m == "ret"
    if arch == "riscv64":
        return m == "ret" or (m == "jalr" and ops in ("zero,0(ra)", "x0,0(x1)")) or \
            (m in ("c.jr", "jr") and ops == "ra")
    if arch == "s390x":
        return m == "br" and ops == "%r14"
    if arch == "ppc64le":
        return m == "blr"
    if arch == "armhf":
        return (m == "bx" and ops == "lr") or (m.startswith("pop") and "pc" in ops)
    if arch == "mips64el":
        return m == "jr" and ops == "ra"
    raise KcbError(f"unknown arch {arch}")


def _regs(arch, ops):
    if arch in ("s390x", "x86_64", "i686"):  # registers always carry a '%'
        return {t.lower() for t in re.findall(r"%([a-z][a-z0-9]*)", ops)}
    return {t.lower() for t in REG_TOKEN.findall(ops)}


def materialisation(arch, insns):
    """The site function's instructions that build the returned address."""
    insns = real_insns(insns)
    keep = []
    frame = FRAME_REGS[arch]
    skip_next_nop = False
    for idx, i in enumerate(insns):
        if skip_next_nop:
            skip_next_nop = False
            if i.mnem == "nop":
                continue
        if is_return(arch, i):
            skip_next_nop = arch == "mips64el"
            continue
        if arch == "ppc64le":
            ops = i.ops.replace(" ", "")
            # global entry: addis r2,r12,.. (PIC) or lis r2,.. (non-PIE)
            if idx == 0 and ((i.mnem == "addis" and ops.startswith("r2,r12,")) or
                             (i.mnem == "lis" and ops.startswith("r2,"))):
                continue
            if idx == 1 and i.mnem == "addi" and ops.startswith("r2,r2,"):
                continue
            if i.mnem == "ori" and ops == "r2,r2,0":
                continue
        if arch in ("x86_64", "i686") and i.mnem in ("leave", "leaveq"):
            continue
        if _regs(arch, i.ops) & frame:
            continue
        keep.append(i)
    return keep


def sequence_name(arch, insns):
    """Mnemonics joined by '+'; on x86 the operand form is added, since one
    mnemonic (mov) covers the load, the immediate and the absolute load."""
    def one(i):
        if arch == "riscv64" and ((i.mnem == "addi" and i.ops.replace(" ", "") == "zero,zero,0")
                                  or i.mnem == "c.nop"):
            return "nop"
        if arch not in ("x86_64", "i686") or i.mnem in ("movabs", "nop"):
            return i.mnem
        src = i.ops.split(",")[0]
        if src.startswith("$"):
            return i.mnem + " $imm"
        if "(%rip)" in src:
            return i.mnem + " rip-rel"
        return i.mnem + " mem" if (i.mnem.startswith("mov") and "(" in src or src[:2] == "0x") else i.mnem
    return "+".join(one(i) for i in insns)
