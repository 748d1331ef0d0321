# SPDX-License-Identifier: GPL-2.0
"""Facts the report views and plots read from loaded results: call-site
rows with their load counts, lookups by key, the units and names present."""

from ..vocab import (DEFAULT_CONFIG, EMULATED_TIME_UNIT, FNS, MODELS, SCENARIOS, UNITS, VARIANTS,
                     order, rank_key)
from .sequence import count_loads, seq_text

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
    model_rank = rank_key(MODELS)
    for v in order(byv, VARIANTS):
        rs = sorted(byv[v], key=lambda r: model_rank(r["model"]))
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


def symbols(st, config=DEFAULT_CONFIG):
    """(fn, model, variant) -> symbol row of one config (rows from before
    the config axis have none and count as every config's)."""
    return {(r.get("fn", ""), r["model"], r["variant"]): r
            for r in st.doc["symbols"] if r.get("config", config) == config}


def qemu_recs(st, config=DEFAULT_CONFIG):
    """(fn, model, variant) -> QEMU record of one config (as symbols())."""
    q = st.doc.get("qemu") or {}
    return {(r.get("fn"), r.get("model"), r.get("variant")): r
            for r in (q.get("records") or []) if r.get("config", config) == config}


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


def mca_recs(st, config=DEFAULT_CONFIG):
    """(cpu, fn, model, variant) -> mca record of one config (a record
    without a config is the default's, as an older static file has)."""
    return {(r["cpu"], r.get("fn"), r.get("model"), r.get("variant")): r
            for r in st.doc.get("mca") or [] if "throughput_cycles" in r
            and r.get("config", DEFAULT_CONFIG) == config}


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
    return f"{unit} (emulated, not cycles)" if unit == EMULATED_TIME_UNIT else unit


def fns_present(st):
    return order({r.get("fn", "") for r in st.doc["symbols"]}, FNS)


def scenarios_present(m):
    return order({r["scenario"] for r in m.records}, SCENARIOS)
