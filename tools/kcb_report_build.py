"""Assemble the report blocks (see kcb_report_text) from loaded Results."""
from kcb_report_facts import (fnum, fdelta, fci, site_rows, symbols, qemu_recs,
                              mca_cpus, mca_recs, measured_index,
                              measured_units, unit_label, headline, all_notes,
                              fns_present, scenarios_present)
from kcb_report_load import ARCHES, MODELS, VARIANTS, order
from kcb_report_text import Table

TITLE = ("kcache-bench: reaching struct kmem_cache by pointer, "
         "runtime_const or static address")


class Labels:
    """Row labels carrying a [n] marker for variants with a note, e.g.
    'projected (no kernel support)', and the legend that explains them."""

    def __init__(self, notes):
        self.notes = notes
        self.used = []

    def __call__(self, variant, model=None):
        s = variant
        n = self.notes.get(variant)
        if n:
            if n not in self.used:
                self.used.append(n)
            s += f" [{self.used.index(n) + 1}]"
        return f"{model} {s}" if model else s

    def legend(self):
        out = [f"[{i + 1}] {n}" for i, n in enumerate(self.used)]
        self.used = []
        return out


def _site_table(st, key, title, notes):
    lab = Labels(notes)
    rows = []
    for r in site_rows(st, key):
        rows.append([lab(r["variant"], r["model"]), r["bytes"], r["insns"],
                     "n/a" if r["loads"] is None else r["loads"], r["seq"]])
    if not rows:
        return None
    return Table(title, ["variant", "bytes", "insns", "loads", "sequence"],
                 rows, align=["l", "r", "r", "r", "l"], legend=lab.legend())


def _hotpath_table(st, notes):
    syms = symbols(st)
    fns = [f for f in fns_present(st) if f != "site"]
    keys = order({(k[1], k[2]) for k in syms if k[0] in fns}, [])
    keys = sorted(keys, key=lambda k: (
        MODELS.index(k[0]) if k[0] in MODELS else 9,
        VARIANTS.index(k[1]) if k[1] in VARIANTS else 99, k))
    lab = Labels(notes)
    rows = []
    for model, v in keys:
        row = [lab(v, model)]
        for f in fns:
            s = syms.get((f, model, v))
            row.append(f"{s['bytes']}/{s['insns']}" if s else "-")
        rows.append(row)
    if not rows:
        return None
    return Table("Hot-path symbols kcb_<fn>__<model>__<variant> "
                 "[bytes/insns, objdump]", ["model variant"] + fns, rows,
                 legend=lab.legend() + ["- = not built for this variant"])


def _qemu_table(st, notes):
    q = qemu_recs(st)
    qa = st.doc.get("qemu") or {}
    if not q:
        why = qa.get("reason") or "no records"
        return ("p", f"QEMU executed instructions per op: skipped: {why}")
    fns = order({k[0] for k in q}, ["callsite", "latency", "inline_fields",
                                    "many_caches", "static_align"])
    keys = sorted({(k[1], k[2]) for k in q}, key=lambda k: (
        MODELS.index(k[0]) if k[0] in MODELS else 9,
        VARIANTS.index(k[1]) if k[1] in VARIANTS else 99, k))
    lab = Labels(notes)
    rows = []
    for model, v in keys:
        row = [lab(v, model)]
        for f in fns:
            r = q.get((f, model, v))
            if not r:
                row.append("-")
                continue
            hp = r.get("hotpath_insns_per_op")
            row.append(fnum(r.get("insns_per_op")) +
                       (f" ({fnum(hp)})" if hp is not None else ""))
        rows.append(row)
    ctx = st.ctx
    qv = ctx.get("qemu_version") or "?"
    cpu = ctx.get("qemu_cpu") or "default"
    return Table(f"QEMU executed instructions per op [qemu-insns, TCG plugin, "
                 f"QEMU {qv}, -cpu {cpu}]", ["model variant"] + fns, rows,
                 legend=lab.legend() + [
                     "cell: all insns per op (insns inside the hot-path "
                     "symbol per op)"])


def _mca_blocks(st, notes):
    ok, none = mca_cpus(st)
    recs = mca_recs(st)
    blocks = []
    if ok:
        fns = order({k[1] for k in recs}, ["callsite", "latency",
                                           "inline_fields", "many_caches",
                                           "site", "static_align"])
        fn = fns[0]
        keys = sorted({(k[2], k[3]) for k in recs if k[1] == fn},
                      key=lambda k: (
                          MODELS.index(k[0]) if k[0] in MODELS else 9,
                          VARIANTS.index(k[1]) if k[1] in VARIANTS else 99, k))
        lab = Labels(notes)
        rows = []
        for model, v in keys:
            row = [lab(v, model)]
            for cpu in ok:
                r = recs.get((cpu, fn, model, v))
                row.append(f"{fnum(r['throughput_cycles'])}/"
                           f"{fnum(r.get('latency_cycles'))}" if r else "-")
            rows.append(row)
        mca = st.ctx.get("llvm_mca") or "llvm-mca"
        blocks.append(("table", Table(
            f"llvm-mca estimates for kcb_{fn}__* [mca-cycles(<cpu>): "
            f"throughput/latency per iteration, {mca}]",
            ["model variant"] + ok, rows,
            legend=lab.legend() + [
                "throughput = Total Cycles / Iterations; latency = the "
                "critical path of one iteration (estimates, not "
                "measurements)"])))
    for cpu, why in none:
        blocks.append(("p", f"llvm-mca {cpu}: no model ({why})"))
    if not ok and not none:
        blocks.append(("p", "llvm-mca: skipped: no estimates in the static "
                            "results"))
    return blocks


def _measured_tables(m, notes):
    idx = measured_index(m)
    scens = scenarios_present(m)
    keys = sorted({(k[0], k[2]) for k in idx}, key=lambda k: (
        MODELS.index(k[0]) if k[0] in MODELS else 9,
        VARIANTS.index(k[1]) if k[1] in VARIANTS else 99, k))
    cold = "cold_pointer" in scens and "callsite" in scens
    out = []
    ctx = m.ctx
    for unit in measured_units(m):
        lab = Labels(notes)
        rows = []
        for model, v in keys:
            row = [lab(v, model)]
            for s in scens:
                r = idx.get((model, s, v))
                met = r["metrics"].get(unit) if r else None
                row.append(fci(met) if met else "-")
            if cold:
                a = idx.get((model, "cold_pointer", v))
                b = idx.get((model, "callsite", v))
                ma = a and a["metrics"].get(unit)
                mb = b and b["metrics"].get(unit)
                if ma and mb and None not in (ma.get("median"),
                                              mb.get("median")):
                    row.append(fdelta(ma["median"] - mb["median"]))
                else:
                    row.append("-")
            rows.append(row)
        if all(all(c == "-" for c in r[1:]) for r in rows):
            continue
        src = next((r["metrics"][unit].get("source") for r in m.records
                    if unit in r["metrics"]
                    and r["metrics"][unit].get("source")), None)
        how = ("QEMU " + (ctx.get("qemu_version") or "?")
               if m.qemu else "native")
        title = (f"Measured on {m.label} ({how}) [{unit_label(m, unit)} "
                 f"per op, median [95% CI]"
                 + (f", source {src}" if src else "") + "]")
        hdr = ["model variant"] + scens + (["cold-callsite"] if cold else [])
        leg = lab.legend()
        if cold:
            leg.append("cold-callsite = cold_pointer median minus callsite "
                       "median (the cold-pointer penalty)")
        leg.append("- = not run for this variant")
        out.append(("table", Table(title, hdr, rows, legend=leg)))
    if ctx.get("pmu", "").startswith("unavailable"):
        out.append(("p", f"PMU cycles on {m.label}: {ctx['pmu']}; counter "
                         f"used: {ctx.get('counter_source', '?')}."))
    return out


def _summary_table(res):
    variants = order({r["variant"] for st in res.static.values()
                      for r in site_rows(st)}, VARIANTS)
    rows = []
    for arch in order(set(res.arches()) | {s["arch"] for s in res.skipped},
                      ARCHES):
        st = res.static.get(arch)
        if not st:
            why = "; ".join(res.skipped_for(arch)) or "no static results"
            rows.append([arch] + [f"skipped: {why}"] +
                        [""] * (len(variants) - 1))
            continue
        byv = {}
        for r in site_rows(st):
            byv.setdefault(r["variant"], r)
        row = [arch]
        for v in variants:
            r = byv.get(v)
            if not r:
                row.append("-")
                continue
            ld = "?" if r["loads"] is None else r["loads"]
            row.append(f"{r['bytes']}/{r['insns']}/{ld}")
        rows.append(row)
    if not variants:
        return None
    return Table("Per call site, all arches [bytes/insns/loads, objdump of "
                 "kcb_site__*]", ["arch"] + variants, rows,
                 legend=["- = variant not built on this arch; ? = loads "
                         "not decidable from the recorded sequence; notes "
                         "per arch below"])


def _ctx_items(ctx, keys):
    out = []
    for k in keys:
        v = ctx.get(k)
        if v is None or v == "":
            continue
        out.append((k, str(v)))
    return out


MEASURED_CTX = ["host", "cpu_model", "cores", "kernel", "arch", "triple",
                "compiler", "flags", "execution", "qemu_version", "qemu_cpu",
                "counter_source", "counter_note", "pmu", "ticks_per_cycle",
                "governor", "date", "git_rev", "command"]
STATIC_CTX = ["arch", "triple", "objdump", "llvm_mca", "qemu_version",
              "qemu_cpu", "flags"]


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
                      ARCHES):
        if arch not in res.arches():
            items.append(f"{arch}: skipped: "
                         + "; ".join(res.skipped_for(arch)))
            continue
        items.append(f"{arch}: " + " ".join(headline(res, arch)))
    b.append(("list", items))
    t = _summary_table(res)
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
            t = _site_table(st, "sites", "Call site: materialising the cache "
                            "address [bytes, insns: objdump of kcb_site__*; "
                            "loads: memory loads in the sequence]", notes)
            if t:
                b.append(("table", t))
            t = _site_table(st, "sites_kernel_cmodel",
                            "Call site with -mcmodel=kernel (compile only, "
                            "not run) [bytes, insns: objdump]", notes)
            if t:
                b.append(("table", t))
            bl = st.doc.get("bloat") or []
            if bl:
                b.append(("table", Table(
                    "bloat-o-meter style, every hot-path symbol [bytes, "
                    "objdump]", ["variant", "vs", "up", "down", "net"],
                    [[x.get("variant"), x.get("baseline"), x.get("up"),
                      x.get("down"), fdelta(x.get("net"), "B")]
                     for x in bl], key=2)))
            t = _hotpath_table(st, notes)
            if t:
                b.append(("table", t))
            q = _qemu_table(st, notes)
            b.append(q if isinstance(q, tuple) else ("table", q))
            b += _mca_blocks(st, notes)
        else:
            b.append(("p", "Static metrics (bytes, insns, QEMU insns/op, "
                           "llvm-mca): skipped: no static results for this "
                           "arch in the run"))
        ms = res.measured_for(arch)
        for m in ms:
            b += _measured_tables(m, notes)
        if not ms:
            why = "; ".join(res.skipped_for(arch)) or \
                "no measured results for this arch in the run"
            b.append(("p", f"Measured timing: skipped: {why}"))

    b.append(("h", 2, "Context"))
    for m in res.measured:
        b.append(("p", f"Measured {m.arch} on {m.label} ({m.path}):"))
        b.append(("kv", _ctx_items(m.ctx, MEASURED_CTX)))
    for arch in res.arches():
        st = res.static.get(arch)
        if st:
            b.append(("p", f"Static {arch} ({st.path}):"))
            b.append(("kv", _ctx_items(st.ctx, STATIC_CTX)))
    missing = [a for a in ARCHES if a not in res.arches()
               and not res.skipped_for(a)]
    if res.skipped or missing:
        b.append(("h", 2, "Not run"))
        rows = [[s["arch"], f"skipped: {s['reason']}"] for s in res.skipped]
        rows += [[a, "skipped: not in these results (no reason recorded)"]
                 for a in missing]
        b.append(("table", Table("", ["arch", "status"], rows,
                                 align=["l", "l"])))
    return b
