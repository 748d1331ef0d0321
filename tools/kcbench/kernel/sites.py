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
PCREL_START = ("R_390_PC32DBL", "R_390_PC32", "R_390_GOTENT")
# s390's kernel is PIE: an extern symbol's address is loaded from the GOT
# (the final link may relax lgrl@GOTENT to larl; objects only here)
GOT = ("R_390_GOTENT",)
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


COMMENT = {"arm64": re.compile(r"\s*//.*$")}
COMMENT_DEFAULT = re.compile(r"\s+#.*$")  # arm64 writes immediates with '#'


def disassemble(objdump, path, arch=None):
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
            if not m.group(2).startswith(".L"):  # riscv64 prints local labels too
                func = m.group(2)
            continue
        m = INSN_RE.match(line)
        if m and sect:
            ops = COMMENT.get(arch, COMMENT_DEFAULT).sub("", m.group(4)).strip()
            size = sum(len(g) // 2 for g in m.group(2).split())
            out[sect].append(Insn(int(m.group(1), 16), size, m.group(3), ops, func))
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
    """[(section name the relocs apply to, offset, type, symbol, addend)]
    of the run-time text and the runtime_ptr_ tables; debug info's many
    relocations (most of an s390x object's) are not read."""
    symtab = elf.get_section_by_name(".symtab")
    syms, names = {}, {}
    out = []
    for sec in elf.iter_sections():
        if not isinstance(sec, RelocationSection):
            continue
        target = elf.get_section(sec["sh_info"]).name
        if not (is_call_site_section(target) or target.startswith("runtime_ptr_")):
            continue
        for r in sec.iter_relocations():
            i = r["r_info_sym"]
            if i not in syms:
                syms[i] = symtab.get_symbol(i)
            t = r.entry["r_info_type"]
            if t not in names:
                names[t] = _reloc_name(elf, t)
            out.append((target, r["r_offset"], names[t], syms[i], r.entry.get("r_addend", 0)))
    return out


# Debian 12's pyelftools has no RISC-V relocation names: the ones used here
RISCV_RELOCS = {23: "R_RISCV_PCREL_HI20", 24: "R_RISCV_PCREL_LO12_I",
                25: "R_RISCV_PCREL_LO12_S", 51: "R_RISCV_RELAX"}
# nor s390 ones
S390_RELOCS = {4: "R_390_32", 5: "R_390_PC32", 19: "R_390_PC32DBL", 20: "R_390_PLT32DBL",
               22: "R_390_64", 23: "R_390_PC64", 26: "R_390_GOTENT"}


def _reloc_name(elf, t):
    if elf["e_machine"] == "EM_RISCV":
        return RISCV_RELOCS.get(t, f"R_RISCV_{t}")
    if elf["e_machine"] == "EM_S390":
        return S390_RELOCS.get(t, f"R_390_{t}")
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
        # zero-size objects (lockdep's __key with LOCKDEP=n) share their
        # address with the next variable: a section-relative relocation to
        # that address may mean either
        zero = {(s["st_shndx"], s["st_value"]) for s in symtab.iter_symbols()
                if s["st_size"] == 0 and s["st_info"]["type"] == "STT_OBJECT"}
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
    listing = disassemble(objdump, path, arch)
    is_static = any(n.endswith("_opaque") for ns in vars_.values() for n in ns)

    def target(sym, typ, addend, insn, off, exact=True, flows=None):
        """The cache whose variable the relocation points into (exact: at
        its first byte, for offsets from an anchor, not its fields).  The
        instruction must do what the variant's site does: read the pointer
        (pointer, runtime_const) or form the instance's address (static;
        at an address a zero-size object shares, only when flows() says
        the address reaches a call's first argument, where a cache goes)."""
        undef = sym["st_shndx"] == "SHN_UNDEF"
        base = 0 if undef or sym["st_info"]["type"] == "STT_SECTION" else sym["st_value"]
        if typ in PCREL_END:
            base += insn.addr + insn.size - off
        elif typ in PCREL_START:
            base -= off - insn.addr
        t = base + addend
        # (arm64, riscv64: _risc_sites pairs loads or adds itself)
        if arch not in RISC and not is_static and typ not in GOT and not reads_memory(arch, insn):
            return None
        if undef:
            return where.get(sym.name) if not exact or t == 0 else None
        for key, cache in where.items():
            if isinstance(key, tuple) and key[0] == sym["st_shndx"] and (
                    t == key[1] if exact else key[1] <= t < key[2]):
                if is_static and (key[0], t) in zero and not (flows and flows()):
                    return None
                return cache
        return None

    if arch in RISC:
        lst = _risc_sites(arch, relocs, listing, target, vars_)
        for c, extra in _rc_sites(arch, relocs, listing, vars_, sect_name).items():
            lst[c] += extra
        return _summarise(arch, lst, listing), listing
    sites = {c: [] for c in vars_}
    got = set()
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
        cache = target(sym, typ, addend, insns[k], off,
                       flows=lambda: flows_to_arg0(arch, insns, k))
        if cache is None:
            continue
        label_of[(sect, insns[k].addr)] = cache
        ks = [k]
        if typ in GOT:
            got.add((sect, k))
            if not any(n.endswith("_opaque") for n in vars_[cache]):
                ks += _got_deref(insns, k)
        sites[cache].append((sect, ks))
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
    for c, extra in _rc_sites(arch, relocs, listing, vars_, sect_name).items():
        sites[c] += extra
    return _summarise(arch, sites, listing, got), listing


# the register of a call's first argument (a kmem_cache_*() call's cache)
ARG0 = {"x86_64": "%rdi", "arm64": "x0", "s390x": "%r2", "riscv64": "a0"}
LOADS = {"s390x": ("lg", "lgrl", "lgf", "lgfrl", "l", "lrl", "ly"),
         "arm64": ("ldr", "ldrsw", "ldur"), "riscv64": ("ld", "lw", "lwu")}


def dest_reg(arch, insn):
    """The register an instruction writes (AT&T: the last operand)."""
    ops = [o.strip() for o in re.split(r",(?![^(]*\))", insn.ops) if o.strip()]
    if not ops:
        return None
    return ops[-1] if arch == "x86_64" else ops[0]


def reads_memory(arch, insn):
    """Whether the instruction loads from memory (the pointer's value), as
    opposed to forming an address or an immediate."""
    if arch == "x86_64":
        src = re.split(r",(?![^(]*\))", insn.ops)[0].strip()
        return not src.startswith(("$", "%")) and insn.mnem.startswith(("mov", "cmp", "push"))
    return insn.mnem in LOADS.get(arch, ())


MOVES = {"x86_64": ("mov",), "arm64": ("mov",), "s390x": ("lgr",), "riscv64": ("mv",)}


def flows_to_arg0(arch, insns, k):
    """Whether the address insns[k] writes reaches the first argument
    register: written there, or moved there later in the function before
    its register is written again."""
    reg = dest_reg(arch, insns[k])
    if reg == ARG0[arch]:
        return True
    for j in range(k + 1, min(k + 64, len(insns))):
        i = insns[j]
        if i.func != insns[k].func:
            break
        ops = [o.strip() for o in re.split(r",(?![^(]*\))", i.ops) if o.strip()]
        src = (ops[0] if arch == "x86_64" else ops[-1]) if ops else None
        if i.mnem in MOVES[arch] and len(ops) == 2 and src == reg and dest_reg(arch, i) == ARG0[arch]:
            return True
        if dest_reg(arch, i) == reg and i.mnem not in STORES and not i.mnem.startswith(("cmp", "test")):
            return False
    return False


def _got_deref(insns, k):
    """The load through the GOT entry's register (lg %rX,0(%rG)) that
    yields the pointer's value, when it follows in the function."""
    reg = insns[k].ops.split(",")[0].strip()
    for j in range(k + 1, min(k + 9, len(insns))):
        if insns[j].func != insns[k].func:
            break
        if insns[j].mnem == "lg" and insns[j].ops.replace(" ", "").endswith(f"0({reg})"):
            return [j]
        if insns[j].ops.split(",")[0].strip() == reg:
            break
    return []


def _rc_sites(arch, relocs, listing, vars_, sect_name):
    """runtime_const: one entry per patched site in runtime_ptr_<sym>."""
    sites = {c: [] for c in vars_}
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
    return sites


def _summarise(arch, sites, listing, got=()):
    out = {}
    for cache, lst in sites.items():
        res = []
        shared = {}
        for sect, ks in lst:
            for k in ks:
                shared[(sect, k)] = shared.get((sect, k), 0) + 1
        # an address-forming instruction (adrp/auipc) used by several final
        # instructions is one site's cost, counted once
        for sect, ks in lst:
            insns = listing[sect]
            res.append(dict(function=insns[ks[-1]].func, section=sect,
                            listing=[insns[k].text() + (" @GOTENT" if (sect, k) in got else "")
                                     for k in ks],
                            insns=len(ks), bytes=sum(insns[k].size for k in ks),
                            shared_first=shared.get((sect, ks[0]), 1) > 1 and len(ks) > 1,
                            index=(sect, ks[0], ks[-1])))
        out[cache] = res
    return out


RISC = ("arm64", "riscv64")
HI = ("R_AARCH64_ADR_PREL_PG_HI21", "R_RISCV_PCREL_HI20")
LO = ("R_AARCH64_ADD_ABS_LO12_NC", "R_AARCH64_LDST64_ABS_LO12_NC", "R_AARCH64_LDST32_ABS_LO12_NC",
      "R_RISCV_PCREL_LO12_I", "R_RISCV_PCREL_LO12_S")
STORES = ("str", "stp", "stur", "strb", "strh", "sd", "sw", "sh", "sb", "cmp", "cbz", "cbnz",
          "tbz", "tbnz", "beqz", "bnez", "beq", "bne")


def _operands(arch, insn):
    """(dest, base, imm) of an add-immediate or load; None otherwise."""
    m, ops = insn.mnem, [o.strip() for o in insn.ops.replace("[", " ").replace("]", " ").split(",")]
    ops = [o for o in ops if o]
    num = lambda t: int(t.lstrip("#"), 0)
    try:
        if arch == "arm64":
            if m == "add" and len(ops) == 3 and ops[2].startswith("#"):
                return ops[0], ops[1], num(ops[2]), "add"
            if m in ("ldr", "ldrsw") and len(ops) in (2, 3):
                return ops[0], ops[1], num(ops[2]) if len(ops) == 3 else 0, "load"
        else:
            if m in ("add", "addi") and len(ops) == 3 and re.match(r"^-?(0x)?[0-9a-f]+$", ops[2]):
                return ops[0], ops[1], num(ops[2]), "add"
            if m == "mv" and len(ops) == 2:
                return ops[0], ops[1], 0, "add"
            if m in ("ld", "lw", "lwu") and len(ops) == 2:
                mm = re.match(r"^(-?\d+)\((\w+)\)$", ops[1])
                if mm:
                    return ops[0], mm.group(2), int(mm.group(1)), "load"
    except ValueError:
        return None
    return None


def _risc_sites(arch, relocs, listing, target, vars_):
    """arm64 and riscv64 form an address in two steps (adrp/auipc, then a
    lo12 add or load), and GCC's section anchors reach a static at an
    offset from one anchor address: follow the register that holds the
    page/anchor address to each add or load that lands in a cache.  The
    adrp/auipc (and anchor add) counts with the first site that uses it."""
    sites = {c: [] for c in vars_}
    hi_at = {}  # (section, index) -> (sym, addend) of the adrp/auipc
    los = []
    for sect, off, typ, sym, addend in relocs:
        insns = listing.get(sect)
        if not insns or not is_call_site_section(sect):
            continue
        k = _insn_at(insns, off)
        if k is None:
            continue
        if typ in HI:
            hi_at[(sect, k)] = (sym, addend)
        elif typ in LO:
            los.append((sect, k, typ, sym, addend))
    used = set()

    def add_site(cache, sect, ks):
        ks = [k for k in ks if k is not None and (sect, k) not in used or k == ks[-1]]
        used.update((sect, k) for k in ks)
        sites[cache].append((sect, ks))

    for sect, k, typ, sym, addend in los:
        insns = listing[sect]
        if arch == "riscv64":  # %pcrel_lo names the auipc's label
            hk = _insn_at(insns, sym["st_value"])
            if (sect, hk) not in hi_at:
                continue
            hsym, haddend = hi_at[(sect, hk)]
        else:
            hsym, haddend = sym, addend
            key = (sym["st_shndx"], sym.name, addend)
            hk = next((j for j in range(k - 1, -1, -1) if (sect, j) in hi_at
                       and (hi_at[(sect, j)][0]["st_shndx"], hi_at[(sect, j)][0].name,
                            hi_at[(sect, j)][1]) == key and insns[j].func == insns[k].func), None)
        op = _operands(arch, insns[k])
        if op is None:
            continue
        dest, _, _, kind = op
        wants = "add" if any(n.endswith("_opaque") for ns in vars_.values() for n in ns) else "load"

        def at(delta, i):
            # target() resolves sym+addend(+delta) to a cache, relocation-style;
            # i: the instruction that yields the address or value
            return target(hsym, "", haddend + delta, insns[i], insns[i].addr, exact=True,
                          flows=lambda: flows_to_arg0(arch, insns, i))
        if kind == "load":
            c = at(0, k)
            if c:
                add_site(c, sect, [hk, k])
            continue
        c = at(0, k)
        # the add may only form the file's anchor for other statics
        if c and wants == "add" and flows_to_arg0(arch, insns, k):
            add_site(c, sect, [hk, k])
        # anchored: uses of dest at an offset, until dest is written again
        func = insns[k].func
        j = k + 1
        while j < len(insns) and insns[j].func == func:
            u = _operands(arch, insns[j])
            if u and u[1] == dest and u[3] == wants and (u[2] != 0 or wants == "load"):
                c2 = at(u[2], j)
                if c2:
                    add_site(c2, sect, [hk, k, j])
            first = insns[j].ops.split(",")[0].strip()
            if first == dest and insns[j].mnem not in STORES:
                break
            j += 1
    return sites


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
        elif ops.endswith("@GOTENT"):
            names.append(m + "@GOT")
        else:
            names.append(m)
    return "+".join(names)
