# SPDX-License-Identifier: GPL-2.0
"""Call sites in a real kernel object: every instruction that materialises
a cache's address or loads its pointer, found from the relocations (the
symbol table names the variable; the assembler refers to local variables by
section + addend), and for runtime_const from the runtime_ptr_<sym> section
the kernel's patcher walks.  Bytes and instructions come from the cross
objdump's disassembly."""
import re
import subprocess

from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

# instructions of one patched runtime_const_ptr() site, per arch
RC_INSNS = {"x86_64": 1, "arm64": 4, "s390x": 2}
# where the runtime_ptr entry points, relative to the first instruction
# (x86: '.long 1b - 8 - .' is the imm64, 2 bytes into movabs)
RC_ENTRY_BIAS = {"x86_64": -2, "arm64": 0, "s390x": 0}
# PC-relative types: the field's distance to the PC the CPU adds (x86: the
# next instruction; s390: the instruction itself)
PCREL_END = ("R_X86_64_PC32", "R_X86_64_PLT32")
PCREL_START = ("R_390_PC32DBL", "R_390_PC32")
# relocations that only pair with another instruction (RISC-V %pcrel_lo)
PAIR_LO = ("R_RISCV_PCREL_LO12_I", "R_RISCV_PCREL_LO12_S")
IGNORE = ("R_RISCV_RELAX",)

INSN_RE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$")
FUNC_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
SECT_RE = re.compile(r"^Disassembly of section (\S+):$")


class Insn:
    __slots__ = ("addr", "size", "mnem", "ops", "func")

    def __init__(self, addr, size, mnem, ops, func):
        self.addr, self.size, self.mnem, self.ops, self.func = addr, size, mnem, ops, func

    def text(self):
        return f"{self.mnem} {self.ops}".strip()


def disassemble(objdump, path):
    """{section: sorted [Insn]} from objdump -d -w (raw bytes give sizes)."""
    r = subprocess.run([objdump, "-d", "-w", path], capture_output=True, text=True, errors="replace")
    if r.returncode:
        raise RuntimeError(f"{objdump} failed on {path}: {r.stderr.strip()[-200:]}")
    out, sect, func = {}, None, None
    for line in r.stdout.splitlines():
        m = SECT_RE.match(line)
        if m:
            sect = m.group(1)
            out.setdefault(sect, [])
            continue
        m = FUNC_RE.match(line)
        if m:
            func = m.group(2)
            continue
        m = INSN_RE.match(line)
        if m and sect:
            ops = re.sub(r"\s*(#|//).*$", "", m.group(4)).strip()
            out[sect].append(Insn(int(m.group(1), 16), len(m.group(2).split()), m.group(3), ops, func))
    for s in out.values():
        s.sort(key=lambda i: i.addr)
    return out


def is_call_site_section(name):
    """Run-time text; .init/.exit text (the creation) is not a call site."""
    return (name == ".text" or name.startswith(".text.")) and "init" not in name and "exit" not in name


def _insn_at(insns, off):
    lo, hi = 0, len(insns) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        i = insns[mid]
        if i.addr <= off < i.addr + i.size:
            return mid
        if off < i.addr:
            hi = mid - 1
        else:
            lo = mid + 1
    return None


def _relocs(elf):
    """[(section name the relocs apply to, offset, type, symbol, addend)]."""
    symtab = elf.get_section_by_name(".symtab")
    out = []
    for sec in elf.iter_sections():
        if not isinstance(sec, RelocationSection):
            continue
        target = elf.get_section(sec["sh_info"]).name
        for r in sec.iter_relocations():
            sym = symtab.get_symbol(r["r_info_sym"])
            tname = r.entry["r_info_type"]
            out.append((target, r["r_offset"], _reloc_name(elf, tname), sym,
                        r.entry.get("r_addend", 0)))
    return out


def _reloc_name(elf, t):
    from elftools.elf.descriptions import describe_reloc_type
    return describe_reloc_type(t, elf)


def find_sites(arch, path, objdump, vars_):
    """vars_: {cache name: [symbol names]} (the pointer, the opaque
    instance).  Returns {cache: [site]}; a site is a dict with function,
    insns (text), bytes, the instruction list and the index range of its
    final instruction for the block."""
    with open(path, "rb") as f:
        elf = ELFFile(f)
        syms = {}
        symtab = elf.get_section_by_name(".symtab")
        for s in symtab.iter_symbols():
            syms.setdefault(s.name, s)
        where = {}  # (shndx, lo, hi) or name -> cache
        for cache, names in vars_.items():
            for n in names:
                s = syms.get(n)
                if s is None:
                    continue
                if s["st_shndx"] == "SHN_UNDEF":
                    where[n] = cache
                else:
                    where[(s["st_shndx"], s["st_value"], s["st_value"] + max(s["st_size"], 1))] = cache
        relocs = _relocs(elf)
        sect_name = {i: elf.get_section(i).name for i in range(elf.num_sections())}
    listing = disassemble(objdump, path)

    def target(sym, typ, addend, insn, off):
        if sym["st_shndx"] == "SHN_UNDEF":
            return where.get(sym.name)
        base = 0 if sym["st_info"]["type"] == "STT_SECTION" else sym["st_value"]
        if typ in PCREL_END:
            base += insn.addr + insn.size - off
        elif typ in PCREL_START:
            base -= off - insn.addr
        t = base + addend
        for key, cache in where.items():
            if isinstance(key, tuple) and key[0] == sym["st_shndx"] and key[1] <= t < key[2]:
                return cache
        return None

    sites = {c: [] for c in vars_}
    label_of = {}  # (section, auipc address) -> cache, for %pcrel_lo partners
    pending_lo = []
    for sect, off, typ, sym, addend in relocs:
        if typ in IGNORE:
            continue
        if sect.startswith("runtime_ptr_"):
            continue
        insns = listing.get(sect)
        if not insns or not is_call_site_section(sect):
            continue
        if typ in PAIR_LO:
            pending_lo.append((sect, off, sym))
            continue
        k = _insn_at(insns, off)
        if k is None:
            continue
        cache = target(sym, typ, addend, insns[k], off)
        if cache is None:
            continue
        label_of[(sect, insns[k].addr)] = cache
        sites[cache].append((sect, [k]))
    # RISC-V: the %pcrel_lo instruction names the auipc's label
    for sect, off, sym in pending_lo:
        cache = label_of.get((sect, sym["st_value"]))
        insns = listing[sect]
        k = _insn_at(insns, off)
        if cache is None or k is None:
            continue
        hi = _insn_at(insns, sym["st_value"])
        if (sect, [hi]) in sites[cache]:
            sites[cache].remove((sect, [hi]))
            sites[cache].append((sect, [hi, k]))
        else:  # the auipc already counted with an earlier partner
            sites[cache].append((sect, [k]))
    # runtime_const: one entry per patched site
    for sect, off, typ, sym, addend in relocs:
        if not sect.startswith("runtime_ptr_"):
            continue
        var = sect[len("runtime_ptr_"):]
        cache = next((c for c, ns in vars_.items() if var in ns), None)
        tsect = sect_name.get(sym["st_shndx"]) if sym["st_info"]["type"] == "STT_SECTION" else None
        if cache is None or tsect not in listing or not is_call_site_section(tsect):
            continue
        insns = listing[tsect]
        k = _insn_at(insns, addend + RC_ENTRY_BIAS.get(arch, 0))
        if k is None:
            continue
        sites[cache].append((tsect, list(range(k, min(k + RC_INSNS[arch], len(insns))))))
    out = {}
    for cache, lst in sites.items():
        res = []
        shared = {}
        for sect, ks in lst:
            for k in ks:
                shared[(sect, k)] = shared.get((sect, k), 0) + 1
        # an address-forming instruction (adrp/auipc) used by several final
        # instructions is one site's cost, counted once
        finals = _finals(arch, lst, listing)
        for sect, ks in finals:
            insns = listing[sect]
            res.append(dict(function=insns[ks[-1]].func, section=sect,
                            listing=[insns[k].text() for k in ks],
                            insns=len(ks), bytes=sum(insns[k].size for k in ks),
                            shared_first=shared.get((sect, ks[0]), 1) > 1 and len(ks) > 1,
                            index=(sect, ks[0], ks[-1])))
        out[cache] = res
    return out, listing


def _finals(arch, lst, listing):
    """Merge arm64's adrp with the ldr/add that completes it: one site per
    completing instruction, the adrp joined to the first one only."""
    if arch != "arm64":
        return lst
    by_sect = {}
    for sect, ks in lst:
        by_sect.setdefault(sect, set()).update(ks if len(ks) > 1 else ks)
    out = []
    for sect, idx in by_sect.items():
        insns = listing[sect]
        rc = [(s, ks) for s, ks in lst if s == sect and len(ks) > 1]
        rc_idx = {k for _, ks in rc for k in ks}
        out += rc
        pending = None
        for k in sorted(idx - rc_idx):
            if insns[k].mnem == "adrp":
                pending = k
            else:
                if pending is not None:
                    out.append((sect, [pending, k]))
                    pending = None
                else:
                    out.append((sect, [k]))
    return out


def sequence(site):
    """'adrp+ldr', 'mov rip-rel', 'movabs', 'mov $imm', ...: the form."""
    names = []
    for t in site["listing"]:
        m, _, ops = t.partition(" ")
        if m == "mov" and "(%rip)" in ops:
            names.append("mov rip-rel")
        elif m == "mov" and ops.startswith("$"):
            names.append("mov $imm")
        elif m == "lea" and "(%rip)" in ops:
            names.append("lea rip-rel")
        else:
            names.append(m)
    return "+".join(names)
