"""Assemble the report blocks (see kcb_report_text) from loaded Results."""
from kcb_report_facts import (fnum, fdelta, fci, site_rows, symbols, qemu_recs,
                              mca_cpus, mca_recs, measured_index,
                              measured_units, unit_label, headline, all_notes,
                              fns_present, scenarios_present)
from kcb_report_load import ARCHES, MODELS, SCENARIOS, VARIANTS, order
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
    """Per unit and model: scenarios down, variants across, so pointer and
    static sit side by side.  report.txt keeps the primary unit only."""
    idx = measured_index(m)
    scens = [s for s in scenarios_present(m) if s != "static_align"]
    align = [v for v in order({k[2] for k in idx if k[1] == "static_align"},
                              VARIANTS)]
    cold = "cold_pointer" in scens and "callsite" in scens
    ctx = m.ctx
    units = measured_units(m)
    out = []
    for ui, unit in enumerate(units):
        src = next((r["metrics"][unit].get("source") for r in m.records
                    if unit in r["metrics"]
                    and r["metrics"][unit].get("source")), None)
        how = ("QEMU " + (ctx.get("qemu_version") or "?")
               if m.qemu else "native")
        for model in order({k[0] for k in idx}, MODELS):
            variants = order({k[2] for k in idx if k[0] == model
                              and k[1] != "static_align"}, VARIANTS)
            lab = Labels(notes)
            hdr = ["scenario"] + [lab(v) for v in variants]

            def cell(scen, v):
                r = idx.get((model, scen, v))
                met = r["metrics"].get(unit) if r else None
                return met

            rows = []
            for sc in scens:
                rows.append([sc] + [fci(cell(sc, v)) if cell(sc, v) else "-"
                                    for v in variants])
            if cold:
                row = ["cold - callsite"]
                for v in variants:
                    a, b = cell("cold_pointer", v), cell("callsite", v)
                    ok = a and b and None not in (a.get("median"),
                                                  b.get("median"))
                    row.append(fdelta(a["median"] - b["median"]) if ok
                               else "-")
                rows.append(row)
            if "static" in variants:
                for av in align:
                    met = cell("static_align", av)
                    if met:
                        rows.append([f"static_align {av[7:]}"] +
                                    [fci(met) if v == "static" else ""
                                     for v in variants])
            if all(all(c in ("-", "") for c in r[1:]) for r in rows):
                continue
            title = (f"Measured on {m.label} ({how}), {model} "
                     f"[{unit_label(m, unit)} per op, median [95% CI]"
                     + (f", source {src}" if src else "") + "]")
            leg = lab.legend()
            if cold:
                leg.append("cold - callsite: cold_pointer median minus "
                           "callsite median (the cold-pointer penalty)")
            if align and "static" in variants:
                leg.append("static_align a8/a64: the static instance "
                           "aligned to 8 / 64 bytes")
            leg.append("- = not run for this variant")
            t = ("table", Table(title, hdr, rows, legend=leg))
            out.append(t if ui == 0 else ("md", t))
    if len(units) > 1:
        out.append(("txt", ("p", f"Also measured on {m.label}: "
                            + ", ".join(units[1:]) + " (in report.md).")))
    if str(ctx.get("pmu", "")).startswith("unavailable"):
        out.append(("p", f"PMU cycles on {m.label}: {ctx['pmu']}; counter "
                         f"used: {ctx.get('counter_source', '?')}."))
    return out


def _paired_table(m):
    """kcb_bench's paired differences: variant - static from samples taken
    back to back, so a slow spell of the machine hits both sides."""
    ds = m.doc.get("deltas") or []
    if not ds:
        return []
    unit = measured_units(m)[0]
    rows = []
    for d in ds:
        met = d.get("metrics", {}).get(unit)
        if not met:
            continue
        rows.append([d["model"], d["scenario"],
                     f"{d['variant']} - {d['baseline']}", fci(met)])
    if not rows:
        return []
    return [("table", Table(
        f"Paired differences on {m.label} [{unit_label(m, unit)} per op, "
        "median [95% CI] of back-to-back sample pairs]",
        ["model", "scenario", "variant - baseline", "difference"], rows,
        legend=["each sample of the variant was taken right after one of "
                "the baseline, in the same round; the CI excludes 0 when "
                "the difference is real"]))]


def _hosts_tables(ms, notes):
    """Several hosts for one arch: one column per host, in that host's
    primary unit; numbers are never combined across hosts."""
    idxs = [measured_index(m) for m in ms]
    units = [measured_units(m)[0] for m in ms]
    models = order({k[0] for i in idxs for k in i}, MODELS)
    out = []
    for model in models:
        keys = sorted({(k[1], k[2]) for i in idxs for k in i
                       if k[0] == model},
                      key=lambda k: (SCENARIOS.index(k[0])
                                     if k[0] in SCENARIOS else 99,
                                     VARIANTS.index(k[1])
                                     if k[1] in VARIANTS else 99, k))
        lab = Labels(notes)
        rows = []
        for scen, v in keys:
            row = [f"{scen} {lab(v)}"]
            for i, u in zip(idxs, units):
                r = i.get((model, scen, v))
                met = r["metrics"].get(u) if r else None
                row.append(fci(met) if met else "-")
            rows.append(row)
        leg = lab.legend() + [
            f"{m.label}: {unit_label(m, u)} per op, "
            + (f"QEMU {m.ctx.get('qemu_version') or '?'}" if m.qemu
               else "native") + f", {m.ctx.get('cpu_model') or '?'}"
            for m, u in zip(ms, units)]
        out.append(("table", Table(
            f"{model}: each host in its own column (never averaged) "
            "[median [95% CI] per op, unit per host below]",
            ["scenario variant"] + [m.label for m in ms], rows,
            legend=leg)))
    return out


def _summary_table(res):
    variants = order({r["variant"] for st in res.static.values()
                      for r in site_rows(st)}, VARIANTS)
    rows = []
    for arch in res.arches():
        st = res.static.get(arch)
        if not st:
            rows.append([arch] + ["no static results"] +
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
                         "and skipped arches below"])


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
                "ticks_hz", "governor", "pinned_cpu", "pin_note", "method",
                "evict_method", "latency_method", "contention",
                "calibration", "date", "git_rev", "command"]
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
    b.append(("p", "Loads are the memory loads in the call-site sequence "
                   "(objdump of kcb_site__*): each one sits on the "
                   "dependency chain of the cache address. Deltas are "
                   "per call site; QEMU counts are exact executed "
                   "instructions; timings say their unit and host."))
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
        if len(ms) > 1:
            b += _hosts_tables(ms, notes)
        for m in ms:
            b += _measured_tables(m, notes)
            b += _paired_table(m)
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
