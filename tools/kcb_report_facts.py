"""Facts derived from the results for the report: call-site rows, load
counts read from the site sequences, lookups, and the per-arch headline."""
import re

from kcb_report_load import MODELS, VARIANTS, SCENARIOS, UNITS, FNS, order
from kcb_report_stats import differ, paired

NATIVE_HEAD_SCENARIOS = ("latency", "callsite")  # first present is quoted


# ---- numbers -------------------------------------------------------------
def fnum(x):
    if x is None:
        return "n/a"
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1000:
        return str(int(x))
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fdelta(x, unit=""):
    """Signed delta; '±0' for no change (ASCII-fied in report.txt)."""
    if x is None:
        return "n/a"
    u = f" {unit}" if unit else ""
    if x == 0:
        return f"±0{u}"
    s = fnum(abs(x))
    return f"{'+' if x > 0 else '-'}{s}{u}"


def fci(m):
    """median [ci95_lo,ci95_hi] of one metric dict."""
    if not m or m.get("median") is None:
        return "n/a"
    lo, hi = m.get("ci95_lo"), m.get("ci95_hi")
    if lo is None or hi is None:
        return fnum(m["median"])
    return f"{fnum(m['median'])} [{fnum(lo)},{fnum(hi)}]"


# ---- instruction sequences -------------------------------------------------
_OBJDUMP_PREFIX = re.compile(r"^\s*[0-9a-f]+:\s+(?:[0-9a-f]{2,8}\s)+\s*")


def insns_of(seq):
    """The site sequence as [(mnemonic, operands)], from a list of strings,
    a list of {mnemonic, operands|op_str} dicts or one string ('a+b' or
    'a; b')."""
    if seq is None:
        return []
    if isinstance(seq, str):  # 'adrp+ldr', 'mov rip-rel' or 'a x; b y'
        parts = re.split(r"[;\n]", seq) if re.search(r"[;\n]", seq) \
            else seq.split("+")
        seq = [p for p in parts if p.strip()]
    out = []
    for it in seq:
        if isinstance(it, dict):
            mn = it.get("mnemonic") or it.get("op") or it.get("insn") or ""
            ops = it.get("operands") or it.get("op_str") or it.get("args") or ""
            if not mn:
                text = it.get("asm") or it.get("text") or ""
                mn, _, ops = text.strip().partition(" ")
        else:
            text = _OBJDUMP_PREFIX.sub("", str(it)).replace("\t", " ").strip()
            mn, _, ops = text.partition(" ")
        out.append((mn.strip().lower(), ops.strip()))
    return out


def seq_text(seq):
    """The producer's own name ('adrp+ldr', 'mov rip-rel') when it gave a
    string, else mnemonics joined by '+'."""
    if isinstance(seq, str) and seq.strip():
        return seq.strip()
    return "+".join(mn for mn, _ in insns_of(seq)) or "n/a"


def _first_operand(ops):
    depth = 0
    for i, c in enumerate(ops):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            return ops[:i].strip()
    return ops.strip()


def _is_load(arch, mn, ops):
    """True/False, or None when the text cannot tell (x86 without operands)."""
    mn = mn.split(".")[0] if arch in ("armhf",) else mn
    if arch in ("x86_64", "i686"):
        if mn.startswith(("lea", "nop", "endbr")):
            return False
        if not ops:
            return None if mn.startswith("mov") else False
        if ops in ("rip-rel", "mem"):  # static_metrics' sequence names
            return True
        if ops == "$imm":
            return False
        if "%" not in ops and "$" not in ops:  # Intel: source is 2nd
            src = ops.split(",", 1)[-1]
            return "[" in src or "ds:" in src
        src = _first_operand(ops)
        return not src.startswith(("$", "%"))
    if arch == "arm64":
        return mn.startswith("ld")
    if arch == "armhf":
        return mn.startswith(("ldr", "ldm", "vldr", "pop"))
    if arch == "riscv64":
        return re.fullmatch(r"(c\.)?l[bhwd]u?(sp)?", mn) is not None
    if arch == "s390x":
        if mn in ("la", "lay", "larl") or not mn.startswith("l"):
            return False
        return "(" in ops or mn.endswith("rl") or not ops
    if arch == "ppc64le":
        return re.fullmatch(r"p?l(bz|hz|ha|wz|wa|d)u?x?", mn) is not None
    if arch == "mips64el":
        return mn in ("ld", "lw", "lwu", "lh", "lhu", "lb", "lbu")
    return None


def count_loads(arch, seq):
    """Memory loads in a call-site sequence: each one sits on the dependency
    chain of the cache address.  None when unknown."""
    ins = insns_of(seq)
    if not ins:
        return None
    n = 0
    for mn, ops in ins:
        v = _is_load(arch, mn, ops)
        if v is None:
            return None
        n += v
    return n


# ---- lookups -----------------------------------------------------------------
def notes_of(rows):
    """variant -> note, from any rows carrying 'note'."""
    out = {}
    for r in rows:
        if r.get("note"):
            out.setdefault(r["variant"], r["note"])
    return out


def all_notes(res, arch):
    notes = {}
    st = res.static.get(arch)
    if st:
        for key in ("symbols", "sites"):
            notes.update({k: v for k, v in notes_of(st.doc[key]).items()
                          if k not in notes})
    for m in res.measured_for(arch):
        for k, v in notes_of(m.records).items():
            notes.setdefault(k, v)
    return notes


def site_rows(st, key="sites"):
    """[{model|None, variant, bytes, insns, loads, seq, note}]; model None
    when every model has the same sequence for that variant."""
    rows = st.doc.get(key) or []
    arch = st.arch
    byv = {}
    for r in rows:
        byv.setdefault(r["variant"], []).append(r)
    out = []
    for v in order(byv, VARIANTS):
        rs = sorted(byv[v], key=lambda r: (MODELS.index(r["model"])
                                       if r["model"] in MODELS else 99))
        same = len({(r["bytes"], r["insns"], seq_text(r.get("sequence")))
                    for r in rs}) == 1
        for r in (rs[:1] if same else rs):
            out.append({"model": None if same else r["model"], "variant": v,
                        "bytes": r["bytes"], "insns": r["insns"],
                        # the full listing tells loads apart best
                        "loads": count_loads(arch, r.get("listing")
                                             or r.get("sequence")),
                        "seq": seq_text(r.get("sequence")),
                        "note": r.get("note", "")})
    return out


def site_for(st, variant, model=None):
    for r in site_rows(st):
        if r["variant"] == variant and (r["model"] in (None, model)):
            return r
    return None


def symbols(st):
    """(fn, model, variant) -> symbol row."""
    return {(r.get("fn", ""), r["model"], r["variant"]): r
            for r in st.doc["symbols"]}


def qemu_recs(st):
    q = st.doc.get("qemu") or {}
    return {(r.get("fn"), r.get("model"), r.get("variant")): r
            for r in (q.get("records") or [])}


def mca_cpus(st):
    """([cpu with numbers], [(cpu, reason) without a model])."""
    ok, none = [], []
    for r in st.doc.get("mca") or []:
        if r.get("status") == "no model" or "throughput_cycles" not in r:
            if r["cpu"] not in [c for c, _ in none]:
                none.append((r["cpu"], r.get("reason", "no model")))
        elif r["cpu"] not in ok:
            ok.append(r["cpu"])
    return ok, none


def mca_recs(st):
    return {(r["cpu"], r.get("fn"), r.get("model"), r.get("variant")): r
            for r in st.doc.get("mca") or [] if "throughput_cycles" in r}


def measured_index(m):
    return {(r["model"], r["scenario"], r["variant"]): r for r in m.records}


def paired_index(m):
    """(model, scenario, variant, baseline) -> the file's paired delta."""
    return {(d["model"], d["scenario"], d["variant"], d["baseline"]): d
            for d in m.doc.get("deltas") or []}


def measured_units(m):
    prim = [r["primary"] for r in m.records]
    allu = [u for r in m.records for u in r["metrics"]]
    first = order(prim, UNITS)
    return first + [u for u in order(allu, UNITS) if u not in first]


def unit_label(m, unit):
    return f"{unit} (emulated, not cycles)" if unit == "emulated-ns" else unit


# ---- the headline ------------------------------------------------------------
def _vs(a, b, what):
    """'a vs b' call-site deltas as text."""
    parts = []
    if a["loads"] is not None and b["loads"] is not None:
        d = a["loads"] - b["loads"]
        word = "dependent load" if abs(d) == 1 else "dependent loads"
        parts.append(f"{fdelta(d)} {word}")
    parts.append(f"{fdelta(a['bytes'] - b['bytes'])} B")
    parts.append(f"{fdelta(a['insns'] - b['insns'])} insns")
    return f"{what}: " + ", ".join(parts)


def _label(variant, notes):
    n = notes.get(variant)
    if not n:
        return variant
    if n.startswith(variant):
        return n
    return f"{variant} ({n})"


def _pick_model(keys):
    models = order({k[0] for k in keys}, MODELS)
    return models[0] if models else None


def calibration_facts(m):
    """Sentences: the run's two calibration references, its L1 known answer
    beside latency pointer - static, and its warnings (bench/METHOD.md)."""
    ctx = m.doc.get("context") or {}
    out = []
    refs = ctx.get("calibration_refs")
    if refs:
        out.append(f"Calibration on {m.label}: register-register add "
                   f"{fnum(refs['add_ticks_per_cycle'])}, multiply "
                   f"{fnum(refs['mul_ticks_per_cycle'])} ticks/cycle "
                   f"({fdelta(100 * refs['disagreement'])}%, tolerance "
                   f"{fnum(100 * refs['tolerance'])}%)"
                   + ("" if refs.get("agree") else
                      ": they disagree, so no calibrated cycles") + ".")
    ka = ctx.get("known_answer")
    if ka:
        checks = "; ".join(
            f"{c['model']} {c['variant']} - static {fnum(c['delta'])} "
            f"({'ok' if c['ok'] else 'off by ' + fdelta(c['diff'])})"
            for c in ka.get("checks") or [])
        out.append(f"Known answer on {m.label} [{ka['unit']}]: L1 "
                   f"load-to-use {fnum(ka['l1_median'])} "
                   f"[{fnum(ka['l1_ci95_lo'])},{fnum(ka['l1_ci95_hi'])}]"
                   + (f"; latency {checks}" if checks else "") + ".")
    for w in ctx.get("warnings") or []:
        out.append(f"Warning ({m.label}): {w}.")
    return out


def headline(res, arch):
    """Sentences answering: is runtime_const equivalent to a static address
    or slower, and what does the pointer load cost, on this arch."""
    notes = all_notes(res, arch)
    st = res.static.get(arch)
    out = []
    rc = []
    if st:
        rows = site_rows(st)
        model = None
        if any(r["model"] for r in rows):
            model = order({r["model"] for r in rows if r["model"]}, MODELS)[0]
        byv = {r["variant"]: r for r in rows
               if r["model"] in (None, model)}
        rc = [v for v in byv if v.startswith("runtime_const")
              or v == "projected"]
        claims = []
        if "static" in byv and "pointer" in byv:
            claims.append(_vs(byv["static"], byv["pointer"],
                              "static vs pointer"))
        for v in rc:
            if "static" in byv:
                claims.append(_vs(byv[v], byv["static"],
                                  f"{_label(v, notes)} vs static"))
        if claims:
            where = f" ({model})" if model else ""
            out.append(f"Call site{where} [objdump]: "
                       + "; ".join(claims) + ".")
        q = qemu_recs(st)
        qa = (st.doc.get("qemu") or {})
        if q:
            qm = _pick_model([(k[1],) for k in q if k[0] == "callsite"])
            base = q.get(("callsite", qm, "static"))
            if base and base.get("insns_per_op") is not None:
                ds = []
                for v in order({k[2] for k in q if k[0] == "callsite"
                                and k[1] == qm}, VARIANTS):
                    r = q[("callsite", qm, v)]
                    if v == "static" or r.get("insns_per_op") is None:
                        continue
                    ds.append(f"{v} - static = "
                              f"{fdelta(r['insns_per_op'] - base['insns_per_op'])}")
                if ds:
                    out.append(f"Executed under QEMU [qemu-insns/op, "
                               f"callsite, {qm}]: " + "; ".join(ds) + ".")
        elif qa and not qa.get("available", False) and qa.get("reason"):
            out.append(f"QEMU insns/op: skipped: {qa['reason']}.")
    else:
        out.append("Static metrics: none in this run"
                   + "".join(f"; skipped: {r}" for r in
                             res.skipped_for(arch)) + ".")

    measured_any = False
    for m in res.measured_for(arch):
        if m.qemu:
            out.append(f"On {m.label} the timings ran under QEMU "
                       "(emulated, not cycles): the executed-instruction "
                       "counts above are the evidence.")
            continue
        out.extend(calibration_facts(m))
        idx = measured_index(m)
        scen = next((s for s in NATIVE_HEAD_SCENARIOS
                     if any(k[1] == s for k in idx)), None)
        if scen is None:
            continue
        model = _pick_model([k for k in idx if k[1] == scen])
        st_rec = idx.get((model, scen, "static"))
        if not st_rec:
            continue
        unit = st_rec["primary"]
        base = st_rec["metrics"].get(unit)
        ds, verdicts = [], {}
        for v in order({k[2] for k in idx if k[1] == scen and k[0] == model},
                       VARIANTS):
            if v == "static":
                continue
            r = idx[(model, scen, v)]
            pd = paired_index(m).get((model, scen, v, "static"))
            if pd and unit in pd.get("metrics", {}):
                d = paired(pd["metrics"][unit])
            else:
                d = differ(r["metrics"].get(unit), base)
            if d["verdict"] == "n/a":
                continue
            p = "" if d["p"] is None else (
                ", p<0.001" if d["p"] < 0.001 else f", p={d['p']:.2f}")
            word = {"higher": "slower", "lower": "faster",
                    "same": "not distinguishable"}[d["verdict"]]
            ci = d.get("ci")
            ci = f" [{fnum(ci[0])},{fnum(ci[1])}]" if ci else ""
            ds.append(f"{v} - static = {fdelta(d['delta'])}{ci} ({word}{p})")
            verdicts[v] = (word, d)
        if not ds:
            continue
        measured_any = True
        meth = next(iter(verdicts.values()))[1]["method"]
        out.append(f"Measured on {m.label} [{unit}/op, median, {scen}, "
                   f"{model}; {meth}]: " + "; ".join(ds) + ".")
        for v in rc:
            if v in verdicts and v != "projected":
                word, d = verdicts[v]
                what = ("equivalent to a static address"
                        if word == "not distinguishable" else
                        f"{word} than a static address by "
                        f"{fnum(abs(d['delta']))} {unit}/op")
                out.append(f"So on {m.label}: {v} is {what}.")
        if any(w != "not distinguishable" for w, _ in verdicts.values()):
            # the CI / U test sees only the noise inside this run; code
            # layout (a rebuild, another allocator) moves a path by cycles
            out.append("The intervals cover the noise within this run only; "
                       "confirm a difference of a few cycles on a second "
                       "run or host before citing it.")
    if not measured_any:
        why = res.skipped_for(arch)
        if not res.measured_for(arch):
            out.append("No measured timing for this arch"
                       + (f" (skipped: {'; '.join(why)})" if why else "")
                       + ".")
        elif all(m.qemu for m in res.measured_for(arch)):
            pass
        else:
            out.append("No native latency/callsite timing to compare.")
    return out


def fns_present(st):
    return order({r.get("fn", "") for r in st.doc["symbols"]}, FNS)


def scenarios_present(m):
    return order({r["scenario"] for r in m.records}, SCENARIOS)
