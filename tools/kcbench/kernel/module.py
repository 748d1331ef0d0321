# SPDX-License-Identifier: GPL-2.0
"""The modules part: the project's test module (testmod/, GPL-2.0) built
with M= against each variant's prepared tree, after modules_prepare, and
what the real builds show: the module's call site of an exported cache
(names_cachep) per variant, the build error or the unpatched section that
keeps runtime_const out of modules, and the tristate ufs's own cache."""
import os
import re
import shutil
import subprocess
import time

from elftools.elf.elffile import ELFFile

from . import kbuild, sites

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testmod")
NAME = "kcb_cachemod"
OBJECT = f"module/{NAME}.o"  # under out/<arch>/<variant>/
CACHE = "names_cache"        # caches.CACHES: the exported one the module uses
UFS_OBJECT = "fs/ufs/super.o"
# the variant's site written with runtime_const_ptr() (testmod/kcb_cachemod.c)
CFLAGS = {"runtime_const": "-DKCB_RUNTIME_CONST"}
# runtime_const_ptr()'s placeholder 0x0123456789abcdef as objdump prints
# it, until the patcher rewrites it
PLACEHOLDER = {"x86_64": ("$0x123456789abcdef",), "arm64": ("#0xcdef", "#0x123, lsl #48"),
               "s390x": ("19088743", "2309737967")}


def source_text():
    """The module's sources (part of a variant's build inputs)."""
    text = []
    for f in sorted(os.listdir(SOURCE)):
        with open(os.path.join(SOURCE, f)) as fh:
            text.append(fh.read())
    return "".join(text)


def modules_prepare(arch, work, objdir, log, say):
    """make modules_prepare once per prepared tree (scripts/module.lds is
    what it adds to prepare; kbuild.prepare makes it already, this is for
    a tree prepared before).  Returns its seconds, 0 when already done."""
    if os.path.isfile(os.path.join(objdir, "scripts", "module.lds")):
        return 0
    t0 = time.time()
    kbuild._run(kbuild.make_cmd(arch, work, objdir, kbuild.JOBS, "modules_prepare"), log,
                f"{arch} modules_prepare")
    dt = time.time() - t0
    say(f"{arch}: modules_prepare {dt:.1f} s")
    return dt


def build(arch, variant, work, objdir, builddir, outdir, log, say):
    """Build the test module with M=builddir (a fresh copy of testmod/) and
    KBUILD_MODPOST_WARN=1 (no vmlinux, so no Module.symvers).  Copies the
    object to outdir/OBJECT.  Returns {object, error, undefined, seconds}."""
    t0 = time.time()
    shutil.rmtree(builddir, ignore_errors=True)
    shutil.copytree(SOURCE, builddir)
    cmd = kbuild.make_cmd(arch, work, objdir, f"M={builddir}", "KBUILD_MODPOST_WARN=1")
    if variant in CFLAGS:
        cmd.append(f"KCFLAGS={CFLAGS[variant]}")
    cmd.append("modules")
    say(f"{arch} {variant}: test module {NAME}.ko (M=)")
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace")
        f.write(r.stdout)
    dst = os.path.join(outdir, OBJECT)
    res = dict(object=None, error=None, undefined=[], seconds=None)
    for line in r.stdout.splitlines():
        m = re.match(r'^WARNING: modpost: "(\S+)" \[.*\] undefined!$', line)
        if m:
            res["undefined"].append(m.group(1))
        e = re.match(r"^\S+\.[ch]:\d+:\d+: (?:fatal )?error: (.*)$", line)
        if e and not res["error"]:
            res["error"] = e.group(1).strip()
    built = os.path.join(builddir, NAME + ".o")
    try:
        os.unlink(dst)
    except FileNotFoundError:
        pass
    if r.returncode == 0 and os.path.isfile(os.path.join(builddir, NAME + ".ko")):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(built, dst + ".tmp")
        os.replace(dst + ".tmp", dst)
        res["object"] = OBJECT
    elif not res["error"]:
        res["error"] = f"make modules failed (exit {r.returncode}); see {log}"
    res["seconds"] = round(time.time() - t0, 1)
    return res


def _symbols(path):
    with open(path, "rb") as f:
        elf = ELFFile(f)
        st = elf.get_section_by_name(".symtab")
        undef = sorted(s.name for s in st.iter_symbols() if s["st_shndx"] == "SHN_UNDEF" and s.name)
        sects = {s.name: s["sh_size"] for s in elf.iter_sections()}
        relocs = sites._relocs(elf)
    return undef, sects, relocs


def _site(arch, path, variant, symbols):
    """The module's call sites of the cache, with the relocations at their
    instructions (what the module loader resolves)."""
    found, listing = sites.find_sites(arch, path, kbuild.tool(arch, "objdump"), {CACHE: symbols})
    _, _, relocs = _symbols(path)
    lst = found.get(CACHE, [])
    for s in lst:
        sect, first, last = s.pop("index")
        lo, hi = listing[sect][first].addr, listing[sect][last].addr + listing[sect][last].size
        s["relocations"] = sorted({f"{t} {sym.name}" for sct, off, t, sym, _ in relocs
                                   if sct == sect and lo <= off < hi and sym.name in symbols})
        s["sequence"] = sites.sequence(s)
    return lst


def facts(arch, src, outroot, results, symbols_of):
    """Per variant what the test module's real build gave, and the ufs
    module object's undefined runtime_const symbols.  results: {variant:
    build() result}; symbols_of(variant) -> the cache's symbol names."""
    out = dict(module=f"{NAME}.ko (tools/kcbench/kernel/testmod, M=)", variants={})
    for variant, r in (results or {}).items():
        e = dict(build=r.get("error") or "ok", seconds=r.get("seconds"))
        path = os.path.join(outroot, arch, variant, OBJECT)
        if r.get("object") and os.path.isfile(path):
            undef, sects, _ = _symbols(path)
            e["undefined"] = undef
            e["runtime_ptr_sections"] = {k: v for k, v in sects.items() if k.startswith("runtime_ptr_")}
            e["sites"] = _site(arch, path, variant, symbols_of(variant))
            if variant == "runtime_const":
                text = "\n".join(t for s in e["sites"] for t in s["listing"])
                e["placeholder"] = bool(e["sites"]) and all(p in text for p in PLACEHOLDER.get(arch, ("?",)))
        out["variants"][variant] = e
    mdir = os.path.join(src, "kernel", "module")
    out["module_loader_patches_runtime_const"] = None
    if os.path.isdir(mdir):
        out["module_loader_patches_runtime_const"] = False
        for f in sorted(os.listdir(mdir)):
            if f.endswith(".c"):
                with open(os.path.join(mdir, f), errors="replace") as fh:
                    if re.search(r"runtime_(const|ptr)", fh.read()):
                        out["module_loader_patches_runtime_const"] = True
    ufs = os.path.join(outroot, arch, "runtime_const", UFS_OBJECT)
    if os.path.isfile(ufs):
        undef, _, _ = _symbols(ufs)
        out["ufs_undefined_linker_symbols"] = [s for s in undef
                                               if s.startswith(("__start_runtime_", "__stop_runtime_"))]
    return out
