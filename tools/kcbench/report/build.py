# SPDX-License-Identifier: GPL-2.0
"""Assemble the report blocks (blocks.py) from loaded Results: the headline,
then per arch the views (views/), then the context."""
from ..vocab import ARCH_NAMES, order
from .blocks import Table
from .facts import all_notes
from .headline import headline
from .views import (compilers, configs, context, hosts, hotpath, kernel, kernel_exec, mca,
                    measured, paired, qemu, sites)

TITLE = ("kcache-bench: reaching struct kmem_cache by pointer, "
         "runtime_const or static address")


def build(res, regen):
    """regen: the command line(s) that regenerate this report."""
    b = [("h", 1, TITLE)]
    b.append(("p", "Regenerate this report with:"))
    cmds = list(regen)
    runs = order({m.ctx.get("command") for m in res.measured
                  if m.ctx.get("command")}, [])
    b.append(("code", cmds))
    if runs:
        b.append(("p", "The measurements came from:"))
        b.append(("code", runs))
    for w in res.warnings:
        b.append(("p", f"WARNING: {w}"))

    b.append(("h", 2, "Headline: is runtime_const equivalent to a static "
                      "address, and what does the pointer load cost?"))
    items = []
    for arch in order(set(res.arches()) | {s["arch"] for s in res.skipped},
                      ARCH_NAMES):
        if arch not in res.arches():
            items.append(f"{arch}: skipped: "
                         + "; ".join(res.skipped_for(arch)))
            continue
        items.append(f"{arch}: " + " ".join(headline(res, arch)))
    b.append(("list", items))
    b.append(("p", "Loads are the memory loads in the call-site sequence "
                   "(objdump of kcb_site__*): each one sits on the "
                   "dependency chain of the cache address. Deltas are "
                   "per call site; QEMU counts are exact executed "
                   "instructions; timings say their unit and host."))
    t = sites.summary_table(res)
    if t:
        b.append(("table", t))

    for arch in res.arches():
        st = res.static.get(arch)
        notes = all_notes(res, arch)
        trip = (st.ctx.get("triple") if st else None) or next(
            (m.ctx.get("triple") for m in res.measured_for(arch)
             if m.ctx.get("triple")), None)
        b.append(("h", 2, f"{arch}" + (f" ({trip})" if trip else "")))
        for why in res.skipped_for(arch):
            b.append(("p", f"skipped: {why}"))
        if st:
            t = sites.site_table(st, "sites", "Call site: materialising the cache "
                            "address [bytes, insns: objdump of kcb_site__*; "
                            "loads: memory loads in the sequence]", notes)
            if t:
                b.append(("table", t))
            t = sites.site_table(st, "sites_kernel_cmodel",
                            "Call site with -mcmodel=kernel (compile only, "
                            "not run) [bytes, insns: objdump]", notes)
            if t:
                b.append(("table", t))
            for t in (hotpath.bloat_table(st), hotpath.hotpath_table(st, notes)):
                if t:
                    b.append(("table", t))
            q = qemu.qemu_table(st, notes)
            b.append(q if isinstance(q, tuple) else ("table", q))
            b += mca.mca_blocks(st, notes)
            t = configs.configs_static_table(st, notes)
            if t:
                b.append(("table", t))
            b += compilers.compiler_blocks(st, res.static_alt.get(arch, {}))
        else:
            b.append(("p", "Static metrics (bytes, insns, QEMU insns/op, "
                           "llvm-mca): skipped: no static results for this "
                           "arch in the run"))
        ms = res.measured_for(arch)
        b += configs.configs_table(ms)
        if len(ms) > 1:
            b += hosts.hosts_tables(ms, notes)
        for m in ms:
            b += measured.measured_tables(m, notes)
            b += paired.paired_table(m)
        if not ms:
            why = "; ".join(res.skipped_for(arch)) or \
                "no measured results for this arch in the run"
            b.append(("p", f"Measured timing: skipped: {why}"))

    static = {a: (st.doc, st.path) for a, st in res.static.items()}
    for path, doc in res.kernel:
        b += kernel.kernel_blocks(doc, 2, static)
        b.append(("p", f"Real-kernel figures: {path}."))
    for path, doc in res.kernel_exec:
        b += kernel_exec.exec_blocks(doc, 2)
        b.append(("p", f"Real SLUB, executed: {path}."))

    b.append(("h", 2, "Context"))
    for m in res.measured:
        b.append(("p", f"Measured {m.arch} on {m.label} ({m.path}):"))
        b.append(("kv", context.ctx_items(m.ctx, context.MEASURED_CTX)))
    for arch in res.arches():
        st = res.static.get(arch)
        if st:
            b.append(("p", f"Static {arch} ({st.path}):"))
            b.append(("kv", context.ctx_items(st.ctx, context.STATIC_CTX)))
    missing = [a for a in ARCH_NAMES if a not in res.arches()
               and not res.skipped_for(a)]
    if res.skipped or missing:
        b.append(("h", 2, "Not run"))
        rows = [[s["arch"], f"skipped: {s['reason']}"] for s in res.skipped]
        rows += [[a, "skipped: not in these results (no reason recorded)"]
                 for a in missing]
        b.append(("table", Table("", ["arch", "status"], rows,
                                 align=["l", "l"])))
    return b
