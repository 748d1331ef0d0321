# SPDX-License-Identifier: GPL-2.0
"""The "Real kernel" report section from kernel.json: Markdown and
72-column text, per arch a table of caches x variants beside the model's
figure, the bloat-o-meter totals, where model and kernel disagree and why,
and the module case."""
import textwrap

from . import transform

WIDTH = 72
VARS = transform.VARIANTS
SHORT = {"pointer": "pointer", "runtime_const": "runtime_const", "static": "static"}


def _num(x):
    return f"{x:.1f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def cell(v):
    """'4x 7B 1i' = 4 sites, 7 bytes and 1 instruction per site."""
    if not v:
        return "-"
    if v.get("status") != "ok":
        s = v.get("status", "-")
        if s.startswith("no kernel support"):
            return "no support"
        if s.startswith("build failed"):
            return "build failed"
        if s.startswith("not in this tree"):
            return "absent"
        if s.startswith("no call site"):
            return "not compiled"
        return "transform failed"
    n = v["sites"]
    return f"{n}x {_num(round(v['bytes'] / n, 1))}B {_num(round(v['insns'] / n, 1))}i"


def mca_cell(c):
    vals = []
    for v in VARS:
        m = (c.get(v) or {}).get("mca_cycles_median")
        vals.append("-" if m is None else _num(round(m, 1)))
    return "/".join(vals)


def model_row(model, key="sites"):
    if not model or key not in model:
        return None
    m = model[key]
    return [f"1x {m[v]['bytes']}B {m[v]['insns']}i" if v in m else "-" for v in VARS]


def disagreements(arch, a):
    """Sentences: where the kernel's per-site figures differ from the
    model's, and why (read from the sequences found)."""
    model = (a.get("model") or {})
    msites = model.get("sites_kernel_cmodel") or model.get("sites") or {}
    out = []
    user = model.get("sites") or {}
    if model.get("sites_kernel_cmodel"):
        for v in VARS:
            u, k = user.get(v), msites.get(v)
            if u and k and (u["bytes"], u["insns"]) != (k["bytes"], k["insns"]):
                out.append(f"{arch} {v}: the model's user-space build (-mcmodel=small) needs "
                           f"{u['bytes']} B ({u.get('sequence')}), the kernel's -mcmodel=kernel "
                           f"{k['bytes']} B (sign-extended imm32); the kernel figures are compared "
                           "with the model's -mcmodel=kernel build.")
    caches = a.get("caches", {})
    for v in VARS:
        m = msites.get(v)
        if not m:
            continue
        forms = {}
        for c in caches.values():
            e = c.get(v) or {}
            if e.get("status") == "ok":
                for s in e["list"]:
                    forms.setdefault((s["sequence"], s["bytes"], s["insns"]), []).append(s)
        if not forms:
            continue
        agree = [k for k in forms if k[1] == m["bytes"] and k[2] == m["insns"] and "@GOT" not in k[0]]
        other = sorted((k for k in forms if k not in agree), key=lambda k: -len(forms[k]))
        total = sum(len(x) for x in forms.values())
        if not other:
            out.append(f"{arch} {v}: agrees with the model: every one of {total} sites is "
                       f"{m['bytes']} B / {m['insns']} insn ({m.get('sequence')}).")
            continue
        parts = []
        for k in other:
            seq, b, i = k
            why = ""
            steps = seq.split("+")
            if steps[0] not in ("adrp", "auipc") and arch in ("arm64", "riscv64") and len(steps) == 1:
                why = ("it reuses the adrp/auipc (or anchor) an earlier site of the function "
                       "formed (the model's function has one site)")
            elif steps[0].endswith("@GOT"):
                why = ("s390's kernel is built -fPIE: the object reaches an extern symbol "
                       "through its GOT entry (lgrl@GOTENT, one more load for a pointer); the "
                       "final link may relax it to larl (vmlinux is not linked here)")
            elif len(steps) == 3 and steps[0] in ("adrp", "auipc"):
                why = ("GCC's section anchor: adrp/auipc + add forms the anchor of the file's "
                       "statics, a third instruction adds or loads at the cache's offset from it")
            elif seq != m.get("sequence"):
                why = f"another form than the model's {m.get('sequence')}"
            parts.append(f"{len(forms[k])} sites are {seq} ({b} B / {i} insn){': ' + why if why else ''}")
        out.append(f"{arch} {v}: the model's site is {m['bytes']} B / {m['insns']} insn "
                   f"({m.get('sequence')}); of {total} kernel sites {total - sum(len(forms[k]) for k in other)} "
                   f"match and " + "; ".join(parts) + ".")
    # site counts: runtime_const_ptr() is a non-volatile asm, merged per function
    for name, c in caches.items():
        p, r = c.get("pointer") or {}, c.get("runtime_const") or {}
        if p.get("status") == "ok" and r.get("status") == "ok" and r["sites"] < p["sites"]:
            out.append(f"{arch} {name}: {r['sites']} runtime_const sites against {p['sites']} pointer "
                       "loads: GCC merges identical runtime_const_ptr() asm within a function and "
                       "keeps the value in a register, while the pointer is reloaded after each call.")
    return out


def _bloat_line(b):
    if not b:
        return "-"
    return f"up {b['up']} / down {b['down']} / net {b['net']:+d} B"


def _net(b):
    return f"{b['net']:+d} B" if b else "-"


def module_lines(arch, a):
    c = a.get("caches", {}).get("ufs_inode_cache", {})
    f = a.get("module", {})
    lines = [f"pointer: {cell(c.get('pointer'))}; static: {cell(c.get('static'))} "
             f"(the instance lives in the module's own .bss; the module loader relocates its address)."]
    rc = c.get("runtime_const") or {}
    if a.get("runtime_const") != "supported":
        lines.append("runtime_const: no kernel support in this tree.")
    elif f.get("runtime_const_build"):
        lines.append(f"runtime_const: the module does not compile: {f['runtime_const_build'].split(': ', 1)[-1]}")
    else:
        what = ", ".join(f.get("undefined_linker_symbols") or []) or "none"
        lines.append(f"runtime_const: compiles ({cell(rc)}), but the patch table needs the vmlinux "
                     f"linker symbols {what}, which a module cannot resolve, and the module loader "
                     f"{'patches' if f.get('module_loader_patches_runtime_const') else 'never patches'} "
                     "runtime_ptr_* sections (kernel/module/): the sites would keep 0x0123456789abcdef.")
    if f.get("exported_static_instance"):
        lines.append("Exported static instance: fs/dcache.o exports names_cachep_opaque ("
                     + ", ".join(f["exported_static_instance"]) + "), so a module's __getname() "
                     "takes its address directly; with runtime_const fs.h must keep the pointer load "
                     "in modules.")
    return lines


def blocks(doc):
    """The section as blocks: ('h', text) ('p', text) ('table', headers, rows)."""
    ctx = doc["context"]
    out = [("h", "Real kernel: the series' call sites compiled three ways"),
           ("p", f"Tree: {ctx['tree']} ({ctx['version']}). Objects: {', '.join(ctx['objects'])}. "
                 f"Options set on each arch's defconfig: "
                 + ", ".join(f"{k}={v}" for k, v in ctx['options'].items()) + ". "
                 "Cell: call sites x bytes and instructions per site that materialise the cache "
                 "address (relocations + objdump; .init text left out). mca: llvm-mca-16 cycles per "
                 "iteration of the site's block, median over sites, pointer/runtime_const/static. "
                 "Model: results/baseline/<arch>-static.json, sheaves callsite (per site). "
                 "'not compiled': the config builds none of the cache's call sites "
                 "(thread_stack_cache exists only with VMAP_STACK=n); 'absent': not in this tree "
                 "(bfilp_cachep came after 6.12); 'build failed': see the Modules section.")]
    for arch, a in doc["arches"].items():
        out.append(("h2", arch))
        if a.get("status", "").startswith("FAILED"):
            out.append(("p", a["status"]))
            continue
        cfg = a.get("config", {})
        out.append(("p", f"{cfg.get('CC_VERSION_TEXT', '?')}; "
                         + ", ".join(f"{k}={cfg.get(k)}" for k in ("SLUB", "MEMCG", "KFENCE",
                                                                     "SLAB_FREELIST_HARDENED", "UFS_FS"))
                         + f"; runtime_const: {a.get('runtime_const')}; mca cpu {a.get('mca_cpu')}."))
        rows = []
        mr = model_row(a.get("model"))
        if mr:
            rows.append(["model"] + mr + ["-"])
        mk = model_row(a.get("model"), "sites_kernel_cmodel")
        if mk:
            rows.append(["model -mcmodel=kernel"] + mk + ["-"])
        for name, c in a.get("caches", {}).items():
            rows.append([name] + [cell(c.get(v)) for v in VARS] + [mca_cell(c)])
        out.append(("table", ["cache", "pointer", "runtime_const", "static", "mca p/rc/s"], rows))
        b = a.get("bloat", {})
        out.append(("list", [f"bloat-o-meter {v} - pointer, functions (-t): "
                             f"{_bloat_line((b.get(v) or {}).get('text'))}; all symbols, the "
                             f"instances' storage included: net {_net((b.get(v) or {}).get('all'))}"
                             for v in ("runtime_const", "static")]))
        tf = {v: f for v, f in (a.get("transform_failures") or {}).items() if f}
        for v, f in tf.items():
            for k, why in f.items():
                out.append(("p", f"Transform failed ({v}, {k}): {why}"))
        d = disagreements(arch, a)
        if d:
            out.append(("list", d))
    out.append(("h2", "Modules (fs/ufs/super.o built with UFS_FS=m)"))
    for arch, a in doc["arches"].items():
        if not a.get("status", "").startswith("FAILED"):
            out.append(("list", [f"{arch}: " + " ".join(module_lines(arch, a))]))
    return out


def _md_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _txt_table(headers, rows):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    if sum(widths) + 2 * (len(widths) - 1) > WIDTH:  # shorten the name column
        widths[0] = max(8, WIDTH - sum(widths[1:]) - 2 * (len(widths) - 1))
    fmt = lambda r: "  ".join((str(c)[:widths[i]].ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]))
                              for i, c in enumerate(r)).rstrip()
    return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def render(doc):
    md, txt = [], []
    for b in blocks(doc):
        if b[0] in ("h", "h2"):
            md.append(("## " if b[0] == "h" else "### ") + b[1])
            txt.append(b[1])
            txt.append(("=" if b[0] == "h" else "-") * min(len(b[1]), WIDTH))
        elif b[0] == "p":
            md.append(b[1])
            txt.append(textwrap.fill(b[1], WIDTH))
        elif b[0] == "list":
            md.append("\n".join(f"- {x}" for x in b[1]))
            txt.append("\n".join(textwrap.fill(x, WIDTH, initial_indent="- ", subsequent_indent="  ")
                                 for x in b[1]))
        elif b[0] == "table":
            md.append(_md_table(b[1], b[2]))
            txt.append(_txt_table(b[1], b[2]))
        md.append("")
        txt.append("")
    return "\n".join(md), "\n".join(txt).encode("ascii", "replace").decode("ascii")
