# SPDX-License-Identifier: GPL-2.0
"""The per-arch headline: is runtime_const equivalent to a static address,
and what does the pointer load cost."""

from ..vocab import MODELS, POINTER_VARIANT, PROJECTED_VARIANT, STATIC_VARIANT, VARIANTS, order
from .calibration import calibration_facts
from .facts import all_notes, measured_index, paired_index, qemu_recs, site_rows
from .fmt import fdelta, fnum
from .stats import differ, paired

NATIVE_HEAD_SCENARIOS = ("latency", "callsite")  # first present is quoted


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
              or v == PROJECTED_VARIANT]
        claims = []
        if STATIC_VARIANT in byv and POINTER_VARIANT in byv:
            claims.append(_vs(byv[STATIC_VARIANT], byv[POINTER_VARIANT],
                              "static vs pointer"))
        for v in rc:
            if STATIC_VARIANT in byv:
                claims.append(_vs(byv[v], byv[STATIC_VARIANT],
                                  f"{_label(v, notes)} vs static"))
        if claims:
            where = f" ({model})" if model else ""
            out.append(f"Call site{where} [objdump]: "
                       + "; ".join(claims) + ".")
        q = qemu_recs(st)
        qa = (st.doc.get("qemu") or {})
        if q:
            qm = _pick_model([(k[1],) for k in q if k[0] == "callsite"])
            base = q.get(("callsite", qm, STATIC_VARIANT))
            if base and base.get("insns_per_op") is not None:
                ds = []
                for v in order({k[2] for k in q if k[0] == "callsite"
                                and k[1] == qm}, VARIANTS):
                    r = q[("callsite", qm, v)]
                    if v == STATIC_VARIANT or r.get("insns_per_op") is None:
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
        st_rec = idx.get((model, scen, STATIC_VARIANT))
        if not st_rec:
            continue
        unit = st_rec["primary"]
        base = st_rec["metrics"].get(unit)
        ds, verdicts = [], {}
        for v in order({k[2] for k in idx if k[1] == scen and k[0] == model},
                       VARIANTS):
            if v == STATIC_VARIANT:
                continue
            r = idx[(model, scen, v)]
            pd = paired_index(m).get((model, scen, v, STATIC_VARIANT))
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
            if v in verdicts and v != PROJECTED_VARIANT:
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
