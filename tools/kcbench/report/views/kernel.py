# SPDX-License-Identifier: GPL-2.0
"""The "Real kernel" section from tools/kernel's kernel.json: per arch the
caches x variants beside the model's call site for the same arch, whether
model and kernel agree (counted from the sites found), the bloat-o-meter
totals, and the module case.  Used by tools/report and tools/kernel."""
import re

from ...kernel.transform import VARIANTS  # the three the kernel mode builds
from ..blocks import Table

MODEL = "sheaves"  # the model whose call site the kernel is set against
SITE_KEYS = ("sites", "sites_kernel_cmodel")


def model_of(static_doc, source):
    """The model's per-site figures from a static results document:
    {key: {variant: {bytes, insns, sequence}}, source}, or None."""
    out = {}
    for key in SITE_KEYS:
        for s in static_doc.get(key) or []:
            if s.get("model") == MODEL:
                out.setdefault(key, {})[s["variant"]] = dict(
                    bytes=s["bytes"], insns=s["insns"], sequence=s.get("sequence"))
    if not out:
        return None
    out["source"] = source
    return out


def _num(x):
    return f"{x:.1f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


STATUS_CELLS = (("no kernel support", "no support"), ("build failed", "build failed"),
                ("not in this tree", "absent"), ("no call site", "not compiled"))


def cell(v):
    """'4x 7B 1i' = 4 sites, 7 bytes and 1 instruction per site."""
    if not v:
        return "-"
    if v.get("status") != "ok":
        s = v.get("status", "-")
        return next((c for p, c in STATUS_CELLS if s.startswith(p)), "transform failed")
    n = v["sites"]
    return f"{n}x {_num(round(v['bytes'] / n, 1))}B {_num(round(v['insns'] / n, 1))}i"


def mca_cell(c):
    vals = []
    for v in VARIANTS:
        m = (c.get(v) or {}).get("mca_cycles_median")
        vals.append("-" if m is None else _num(round(m, 1)))
    return "/".join(vals)


def model_row(model, key):
    if not model or key not in model:
        return None
    m = model[key]
    return [f"1x {m[v]['bytes']}B {m[v]['insns']}i" if v in m else "-" for v in VARIANTS]


def compared_sites(model):
    """The model's figures the kernel is compared with: the -mcmodel=kernel
    build where the model has one (x86_64), else its own build."""
    model = model or {}
    return model.get("sites_kernel_cmodel") or model.get("sites") or {}


def site_forms(a, variant):
    """(sequence, bytes, insns) -> the kernel's sites of that form."""
    forms = {}
    for c in a.get("caches", {}).values():
        e = c.get(variant) or {}
        if e.get("status") == "ok":
            for s in e["list"]:
                forms.setdefault((s["sequence"], s["bytes"], s["insns"]), []).append(s)
    return forms


def matches(form, m):
    """A GOT load never agrees: the model has none."""
    return form[1] == m["bytes"] and form[2] == m["insns"] and "@GOT" not in form[0]


def agreement(a, variant, model):
    """(model figure, sites, sites that match it), or None."""
    m = compared_sites(model).get(variant)
    forms = site_forms(a, variant)
    if not m or not forms:
        return None
    total = sum(len(x) for x in forms.values())
    return m, total, sum(len(x) for k, x in forms.items() if matches(k, m))


def _offset(insn):
    """The offset of a load or add's last operand: 'ldr x0, [x22, #40]',
    'ld a0,40(s5)', 'add x0, x1, #0x10' -> 40, 40, 16; None if none."""
    m = re.search(r"#(0x[0-9a-f]+|\d+)\]?$", insn) or re.search(r",(-?\d+)\(\w+\)$", insn)
    return int(m.group(1), 0) if m else None


def _why(arch, seq, m, sites=()):
    steps = seq.split("+")
    if steps[0] not in ("adrp", "auipc") and arch in ("arm64", "riscv64") and len(steps) == 1:
        return ("it reuses the adrp/auipc (or anchor) an earlier site of the function "
                "formed (the model's function has one site)")
    if steps[0].endswith("@GOT"):
        how = ("one more load for the pointer" if len(steps) > 1 else
               "the instance's address loaded from memory where the model computes it")
        return ("s390's kernel is built -fPIE: the object reaches an extern symbol "
                f"through its GOT entry (lgrl@GOTENT: {how}); the final link may relax it to "
                "larl (vmlinux is not linked here)")
    if len(steps) == 3 and steps[0] in ("adrp", "auipc"):
        own = ("the variable's own address formed once (adrp/auipc + add) and kept in a "
               "register for several loads in the function")
        zero = sum(1 for s in sites if _offset(s["listing"][-1]) == 0)
        if sites and zero == len(sites):
            return own
        return ("GCC's section anchor: adrp/auipc + add forms the anchor of the file's "
                "statics, a third instruction adds or loads at the cache's offset from it"
                + (f" ({zero} of them at offset 0: {own})" if zero else ""))
    if seq != m.get("sequence"):
        return f"another form than the model's {m.get('sequence')}"
    return ""


def disagreements(arch, a, model):
    """Sentences: where the kernel's sites differ from the model's, and why
    (read from the sequences found)."""
    model = model or {}
    out = []
    user, kern = model.get("sites") or {}, model.get("sites_kernel_cmodel") or {}
    for v in VARIANTS:
        u, k = user.get(v), kern.get(v)
        if u and k and (u["bytes"], u["insns"]) != (k["bytes"], k["insns"]):
            out.append(f"{arch} {v}: the model's user-space build (-mcmodel=small) needs "
                       f"{u['bytes']} B ({u.get('sequence')}), its -mcmodel=kernel build "
                       f"{k['bytes']} B ({k.get('sequence')}); the kernel's sites are compared "
                       "with the -mcmodel=kernel build.")
    msites = compared_sites(model)
    for v in VARIANTS:
        m, forms = msites.get(v), site_forms(a, v)
        if not m or not forms:
            continue
        other = sorted((k for k in forms if not matches(k, m)), key=lambda k: -len(forms[k]))
        total = sum(len(x) for x in forms.values())
        if not other:
            out.append(f"{arch} {v}: agrees with the model: every one of {total} sites is "
                       f"{m['bytes']} B / {m['insns']} insn ({m.get('sequence')}).")
            continue
        parts = []
        for k in other:
            why = _why(arch, k[0], m, forms[k])
            n = len(forms[k])
            parts.append(f"{n} site{'s are' if n > 1 else ' is'} {k[0]} ({k[1]} B / {k[2]} insn, "
                         f"{k[1] - m['bytes']:+d} B / {k[2] - m['insns']:+d} insn against the model)"
                         + (f": {why}" if why else ""))
        same = total - sum(len(forms[k]) for k in other)
        out.append(f"{arch} {v}: the model's site is {m['bytes']} B / {m['insns']} insn "
                   f"({m.get('sequence')}); of {total} kernel sites {same} match and "
                   + "; ".join(parts) + ".")
    # runtime_const_ptr() is a non-volatile asm, merged per function
    for name, c in a.get("caches", {}).items():
        p, r = c.get("pointer") or {}, c.get("runtime_const") or {}
        if p.get("status") == "ok" and r.get("status") == "ok" and r["sites"] < p["sites"]:
            out.append(f"{arch} {name}: {r['sites']} runtime_const sites against {p['sites']} "
                       "pointer loads: GCC merges identical runtime_const_ptr() asm within a "
                       "function and keeps the value in a register, while the pointer is "
                       "reloaded after each call.")
    return out


def agreement_table(doc, models):
    """Per arch and variant: the model's site, the kernel's sites matching it."""
    rows = []
    for arch, a in doc["arches"].items():
        if a.get("status", "").startswith("FAILED"):
            rows.append([arch, "-", "-", "-", "-", a["status"]])
            continue
        for v in VARIANTS:
            g = agreement(a, v, models.get(arch))
            if g is None:
                if v == "runtime_const" and a.get("runtime_const") != "supported":
                    why = "no kernel support"
                elif compared_sites(models.get(arch)).get(v):
                    why = "no kernel sites"
                else:
                    why = "no model figure"
                rows.append([arch, v, "-", "-", "-", why])
                continue
            m, total, same = g
            rows.append([arch, v, f"{m['bytes']}B {m['insns']}i", str(total), str(same),
                         "agrees" if same == total else
                         f"differs: {total - same} site{'s' if total - same > 1 else ''}"])
    return Table("Model vs real kernel, per arch [the model's sheaves call site "
                 "(-mcmodel=kernel where built) against every kernel call site of the "
                 "variant; bytes, insns: objdump]",
                 ["arch", "variant", "model", "sites", "match", "verdict"], rows, key=2,
                 align=["l", "l", "r", "r", "r", "l"])


def _bloat_line(b):
    return f"up {b['up']} / down {b['down']} / net {b['net']:+d} B" if b else "-"


def _net(b):
    return f"{b['net']:+d} B" if b else "-"


def _module_site(v):
    """'1 site 7 B / 1 insn (mov $imm; R_X86_64_32S names_cachep_opaque)'."""
    lst = v.get("sites") or []
    if not lst:
        return "no call site found"
    s = lst[0]
    rel = ", ".join(s.get("relocations") or []) or "no relocation at the site"
    return (f"{len(lst)} site{'s' if len(lst) > 1 else ''}, {s['bytes']} B / {s['insns']} insn "
            f"({s['sequence']}; {rel})")


def module_lines(a):
    """The test module's call site per variant and why runtime_const does
    not reach it, from the real builds (tools/kcbench/kernel/module.py)."""
    f = a.get("module") or {}
    vs = f.get("variants") or {}
    if not vs:
        return ["the test module was not built (run tools/kernel without --report-only)."]
    lines = [f"{f.get('module', 'test module')} calls __getname() on names_cachep, which "
             "fs/dcache.o exports."]
    for v in ("pointer", "static"):
        e = vs.get(v)
        if not e:
            continue
        if e.get("build") != "ok":
            lines.append(f"{v}: build failed: {e['build']}.")
            continue
        what = ("a load of the exported pointer" if v == "pointer" else
                "the exported static instance's address, which the module loader relocates "
                "like any exported symbol")
        lines.append(f"{v}: {_module_site(e)}: {what}.")
    rc = vs.get("runtime_const")
    if a.get("runtime_const") != "supported":
        lines.append("runtime_const: no kernel support in this tree.")
    elif rc and rc.get("build") != "ok":
        lines.append(f"runtime_const (the site written with runtime_const_ptr()): the module does "
                     f"not compile: {rc['build']}.")
    elif rc:
        sect = ", ".join(f"{k} ({n} B)" for k, n in (rc.get("runtime_ptr_sections") or {}).items())
        loader = f.get("module_loader_patches_runtime_const")
        lines.append(f"runtime_const (the site written with runtime_const_ptr()): compiles, "
                     f"{_module_site(rc)}"
                     + (", the placeholder 0x0123456789abcdef" if rc.get("placeholder") else "")
                     + f"; the .ko carries {sect or 'no runtime_ptr section'}, but "
                     + ("nothing in kernel/module/ patches runtime_ptr_* sections and "
                        if loader is False else "")
                     + "vmlinux's runtime_const_init() walks only vmlinux's own table: the site "
                     "would pass the placeholder as the cache.")
    ufs = f.get("ufs_undefined_linker_symbols")
    c = a.get("caches", {}).get("ufs_inode_cache", {})
    urc = c.get("runtime_const") or {}
    if ufs:
        lines.append("The tristate ufs (fs/ufs/super.o, UFS_FS=m, its own cache): runtime_const "
                     "needs " + ", ".join(ufs) + ", which only vmlinux's linker script defines; "
                     "undefined in a module, and vmlinux does not export them.")
    elif urc.get("status", "").startswith("build failed"):
        lines.append("The tristate ufs (fs/ufs/super.o, UFS_FS=m, its own cache): runtime_const "
                     "does not compile either.")
    lines.append(f"ufs_inode_cachep in fs/ufs/super.o: pointer {cell(c.get('pointer'))}, static "
                 f"{cell(c.get('static'))} (its instance in the module's own .bss).")
    return lines


def kernel_blocks(doc, level=2, static=None):
    """The section as report blocks.  static: {arch: (static doc, path)} of
    the same run; the model's figure comes from there, else from the one
    kernel.json recorded (results/baseline)."""
    static = static or {}
    models = {}
    for arch, a in doc["arches"].items():
        st = static.get(arch)
        models[arch] = (model_of(st[0], st[1]) if st else None) or a.get("model")
    ctx = doc["context"]
    out = [("h", level, "Real kernel: the series' call sites compiled three ways"),
           ("p", f"Tree: {ctx['tree']} ({ctx['version']}). Objects: {', '.join(ctx['objects'])}. "
                 "Options set on each arch's defconfig: "
                 + ", ".join(f"{k}={v}" for k, v in ctx['options'].items()) + ". "
                 "Cell: call sites x bytes and instructions per site that materialise the cache "
                 "address (relocations + objdump; .init text left out). mca: llvm-mca-16 cycles per "
                 "iteration of the site's block, median over sites, pointer/runtime_const/static. "
                 "Model rows: the model's sheaves call site (per site) from the file named per arch. "
                 "'not compiled': the config builds none of the cache's call sites "
                 "(thread_stack_cache exists only with VMAP_STACK=n); 'absent': not in this tree "
                 "(bfilp_cachep came after 6.12); 'build failed': see the Modules part."
                 + (f" vmlinux: {ctx['vmlinux']}." if ctx.get("vmlinux") else "")),
           ("table", agreement_table(doc, models))]
    for arch, a in doc["arches"].items():
        out.append(("h", level + 1, f"Real kernel, {arch}"))
        if a.get("status", "").startswith("FAILED"):
            out.append(("p", a["status"]))
            continue
        cfg = a.get("config", {})
        model = models[arch]
        out.append(("p", f"{cfg.get('CC_VERSION_TEXT', '?')}; "
                         + ", ".join(f"{k}={cfg.get(k)}" for k in ("SLUB", "MEMCG", "KFENCE",
                                                                     "SLAB_FREELIST_HARDENED", "UFS_FS"))
                         + f"; runtime_const: {a.get('runtime_const')}; mca cpu {a.get('mca_cpu')}; "
                         f"model: {(model or {}).get('source', 'none recorded')}."))
        rows = []
        for key, label in (("sites", "model"), ("sites_kernel_cmodel", "model -mcmodel=kernel")):
            mr = model_row(model, key)
            if mr:
                rows.append([label] + mr + ["-"])
        for name, c in a.get("caches", {}).items():
            rows.append([name] + [cell(c.get(v)) for v in VARIANTS] + [mca_cell(c)])
        out.append(("table", Table("", ["cache"] + list(VARIANTS) + ["mca p/rc/s"], rows)))
        b = a.get("bloat", {})
        out.append(("list", [f"bloat-o-meter {v} - pointer, functions (-t): "
                             f"{_bloat_line((b.get(v) or {}).get('text'))}; all symbols, the "
                             f"instances' storage included: net {_net((b.get(v) or {}).get('all'))}"
                             for v in ("runtime_const", "static")]))
        for v, f in (a.get("transform_failures") or {}).items():
            for k, why in (f or {}).items():
                out.append(("p", f"Transform failed ({v}, {k}): {why}"))
        d = disagreements(arch, a, model)
        if d:
            out.append(("list", d))
    out.append(("h", level + 1, "Real kernel, modules (the test module built with M=, "
                                "fs/ufs/super.o with UFS_FS=m)"))
    out.append(("list", [f"{arch}: " + " ".join(module_lines(a))
                         for arch, a in doc["arches"].items()
                         if not a.get("status", "").startswith("FAILED")]))
    return out
