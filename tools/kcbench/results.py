# SPDX-License-Identifier: GPL-2.0
"""Validate kcache-bench results files against results/SCHEMA.md.

    from kcbench import results
    doc = results.load(path)      # parsed and validated, or KcbError
    results.validate(doc)         # an already parsed document

Both kinds: "measured" (kcb_bench) and "static" (tools/static_metrics.py).
Every problem is one line: KcbError(str) names the file and the field.
The command line (tools/kcb_results.py) is main().
"""
import math
import sys

from .io import KcbError, read_json
from .vocab import ARCH_NAMES as ARCHES
from .vocab import EMULATED_TIME_UNIT, NATIVE_TIME_UNITS, SCENARIOS

SCHEMA_VERSION = 1


def _need(cond, msg):
    """msg names the field; validate() puts the file name in front."""
    if not cond:
        raise KcbError(msg)


def _is_num(x):
    return (isinstance(x, (int, float)) and not isinstance(x, bool)
            and math.isfinite(x))


def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _str(obj, key, where, nonempty=False, nullable=False):
    v = obj.get(key) if isinstance(obj, dict) else None
    if v is None and nullable and key in obj:
        return None
    _need(key in obj, f"{where}.{key} missing")
    _need(isinstance(v, str), f"{where}.{key} is not a string")
    _need(not nonempty or v.strip(), f"{where}.{key} is empty")
    return v


def _int(obj, key, where, minimum=0):
    _need(key in obj, f"{where}.{key} missing")
    v = obj[key]
    _need(_is_int(v) and v >= minimum,
          f"{where}.{key} is not an integer >= {minimum}")
    return v


def _num(obj, key, where, nullable=False):
    _need(key in obj, f"{where}.{key} missing")
    v = obj[key]
    if v is None and nullable:
        return None
    _need(_is_num(v), f"{where}.{key} is not a finite number")
    return v


def _obj(obj, key, where):
    _need(key in obj, f"{where}.{key} missing")
    _need(isinstance(obj[key], dict), f"{where}.{key} is not an object")
    return obj[key]


def _list(obj, key, where, nonempty=False):
    _need(key in obj, f"{where}.{key} missing")
    v = obj[key]
    _need(isinstance(v, list), f"{where}.{key} is not a list")
    _need(not nonempty or v, f"{where}.{key} is empty")
    return v


# ---- measured ----

def _check_metric(m, where, tpc):
    _need(isinstance(m, dict), f"{where} is not an object")
    _str(m, "source", where, nonempty=True)
    _need("samples" in m, f"{where}.samples missing")
    s = m["samples"]
    if isinstance(s, list):
        _need(s, f"{where}.samples is an empty list")
        _need(all(_is_num(x) for x in s),
              f"{where}.samples holds a non-number")
    else:
        _need(_is_int(s) and s >= 1,
              f"{where}.samples is neither a count >= 1 nor a list")
    lo = _num(m, "min", where)
    med = _num(m, "median", where)
    c_lo = _num(m, "ci95_lo", where)
    c_hi = _num(m, "ci95_hi", where)
    _need(lo <= c_lo <= med <= c_hi,
          f"{where}: needs min <= ci95_lo <= median <= ci95_hi "
          f"({lo} {c_lo} {med} {c_hi})")
    if "overhead" in m:
        _num(m, "overhead", where)
    if "round_modes" in m:
        rounds = _int(m, "rounds", where, minimum=1)
        modes = _list(m, "round_modes", where, nonempty=True)
        held = 0
        for j, md in enumerate(modes):
            w = f"{where}.round_modes[{j}]"
            _need(isinstance(md, dict), f"{w} is not an object")
            _num(md, "value", w)
            held += _int(md, "rounds", w, minimum=1)
        _need(held == rounds, f"{where}.round_modes hold {held} rounds, its rounds says {rounds}")
        values = [md["value"] for md in modes]
        _need(values == sorted(values), f"{where}.round_modes are not ascending by value")
    if "round_medians" in m:
        rounds = _int(m, "rounds", where, minimum=1)
        meds = _list(m, "round_medians", where, nonempty=True)
        _need(all(_is_num(x) for x in meds), f"{where}.round_medians holds a non-number")
        _need(len(meds) == rounds, f"{where}.round_medians has {len(meds)} values, its rounds says {rounds}")


MODE_MIN_ROUNDS = 10  # bench/stats.h KCB_MODE_MIN_ROUNDS


def major_modes(metric):
    """[(value, rounds)] of a metric's modes that hold at least 10% of its
    rounds and at least 2 of them, of at least MODE_MIN_ROUNDS (bench/stats.h
    kcb_mode_is_major); more than one means its median depends on how the
    rounds split."""
    rounds = metric.get("rounds", 0)
    return [(md["value"], md["rounds"]) for md in metric.get("round_modes", ())
            if rounds >= MODE_MIN_ROUNDS and md["rounds"] >= 2 and md["rounds"] * 10 >= rounds]


def _record_key(r, where):
    """(model, scenario, variant) of a record or delta object."""
    _need(isinstance(r, dict), f"{where} is not an object")
    return tuple(_str(r, k, where, nonempty=True) for k in ("model", "scenario", "variant"))


def _check_measured(doc):
    ctx = _obj(doc, "context", "")
    w = "context"
    for k in ("host", "cpu_model", "kernel", "triple", "compiler",
              "counter_source", "counter_note", "date", "git_rev", "command"):
        _str(ctx, k, w, nonempty=k not in ("command",))
    _str(ctx, "flags", w)
    arch = _str(ctx, "arch", w, nonempty=True)
    _need(arch in ARCHES, f"context.arch '{arch}' is not one of {' '.join(ARCHES)}")
    _int(ctx, "cores", w, minimum=1)
    ex = _str(ctx, "execution", w)
    _need(ex in ("native", "qemu"), f"context.execution '{ex}' is not native|qemu")
    qv = _str(ctx, "qemu_version", w, nullable=True)
    _str(ctx, "qemu_cpu", w, nullable=True)
    _need(ex != "qemu" or qv, "context.qemu_version is needed when execution is qemu")
    pmu = _str(ctx, "pmu", w)
    _need(pmu == "available" or pmu.startswith("unavailable: "),
          "context.pmu is neither 'available' nor 'unavailable: <why>'")
    tpc = _num(ctx, "ticks_per_cycle", w, nullable=True)
    _need(tpc is None or tpc > 0, "context.ticks_per_cycle must be > 0 or null")
    _str(ctx, "governor", w, nullable=True)

    recs = _list(doc, "records", "", nonempty=True)
    seen = set()
    for i, r in enumerate(recs):
        where = f"records[{i}]"
        model, scen, var = _record_key(r, where)
        _need(scen in SCENARIOS, f"{where}.scenario '{scen}' is unknown")
        _str(r, "note", where)
        _int(r, "ops_per_iter", where, minimum=1)
        if "samples_taken" in r or "samples_used" in r:
            tk = _int(r, "samples_taken", where)
            us = _int(r, "samples_used", where)
            _need(us <= tk, f"{where}: samples_used {us} > samples_taken {tk}")
        key = (model, scen, var)
        _need(key not in seen, f"{where}: ({model}, {scen}, {var}) appears twice")
        seen.add(key)
        where = f"records[{i}] ({model}/{scen}/{var})"
        prim = _str(r, "primary", where, nonempty=True)
        mets = _obj(r, "metrics", where)
        _need(mets, f"{where}.metrics is empty")
        _need(prim in mets, f"{where}: primary unit '{prim}' is not in metrics")
        for unit, m in mets.items():
            _need(unit.strip(), f"{where}: empty unit name")
            if ex == "qemu":
                _need(unit not in NATIVE_TIME_UNITS,
                      f"{where}: unit '{unit}' under QEMU (emulated timings are "
                      f"'emulated-ns', never cycles)")
            else:
                _need(unit != EMULATED_TIME_UNIT,
                      f"{where}: 'emulated-ns' in a native run")
            if unit == "calibrated-cycles":
                _need(tpc is not None,
                      f"{where}: calibrated-cycles without context.ticks_per_cycle")
            _check_metric(m, f"{where}.metrics.{unit}", tpc)

    ds = doc.get("deltas")
    if ds is None:
        return
    _need(isinstance(ds, list), "deltas is not a list")
    for i, d in enumerate(ds):
        where = f"deltas[{i}]"
        model, scen, var = _record_key(d, where)
        base = _str(d, "baseline", where, nonempty=True)
        for v in (var, base):
            _need((model, scen, v) in seen,
                  f"{where}: ({model}, {scen}, {v}) is not in records")
        _int(d, "pairs", where, minimum=1)
        mets = _obj(d, "metrics", where)
        _need(mets, f"{where}.metrics is empty")
        for unit, m in mets.items():
            w = f"{where}.metrics.{unit}"
            _need(isinstance(m, dict), f"{w} is not an object")
            _need(ex != "qemu" or unit not in NATIVE_TIME_UNITS,
                  f"{w}: unit '{unit}' under QEMU")
            c_lo = _num(m, "ci95_lo", w)
            med = _num(m, "median", w)
            c_hi = _num(m, "ci95_hi", w)
            _need(c_lo <= med <= c_hi,
                  f"{w}: needs ci95_lo <= median <= ci95_hi")


# ---- static ----

def _check_site(s, where):
    _need(isinstance(s, dict), f"{where} is not an object")
    for k in ("model", "variant"):
        _str(s, k, where, nonempty=True)
    _str(s, "note", where)
    _int(s, "bytes", where)
    _int(s, "insns", where)
    _need("sequence" in s, f"{where}.sequence missing")
    seq = s["sequence"]
    _need(isinstance(seq, str) or
          (isinstance(seq, list) and all(isinstance(x, str) for x in seq)),
          f"{where}.sequence is neither a string nor a list of strings")


def _check_static(doc):
    ctx = _obj(doc, "context", "")
    arch = _str(ctx, "arch", "context", nonempty=True)
    _need(arch in ARCHES, f"context.arch '{arch}' is not one of {' '.join(ARCHES)}")
    _str(ctx, "triple", "context", nonempty=True)
    for k in ("objdump", "llvm_mca", "qemu_version", "qemu_cpu", "flags"):
        _str(ctx, k, "context", nullable=True)

    for i, s in enumerate(_list(doc, "symbols", "")):
        where = f"symbols[{i}]"
        _need(isinstance(s, dict), f"{where} is not an object")
        for k in ("symbol", "fn", "model", "variant"):
            _str(s, k, where, nonempty=True)
        _str(s, "note", where)
        _int(s, "bytes", where)
        _int(s, "insns", where)
    for key in ("sites", "sites_kernel_cmodel"):
        if key == "sites_kernel_cmodel" and key not in doc:
            continue  # x86_64 only
        for i, s in enumerate(_list(doc, key, "")):
            _check_site(s, f"{key}[{i}]")

    q = _obj(doc, "qemu", "")
    _need(isinstance(q.get("available"), bool), "qemu.available is not a boolean")
    _str(q, "reason", "qemu")
    recs = q.get("records", [])
    _need(isinstance(recs, list), "qemu.records is not a list")
    for i, r in enumerate(recs):
        where = f"qemu.records[{i}]"
        _need(isinstance(r, dict), f"{where} is not an object")
        for k in ("model", "fn", "variant"):
            _str(r, k, where, nonempty=True)
        _num(r, "insns_per_op", where)
        _num(r, "hotpath_insns_per_op", where, nullable=True)
        _int(r, "ops", where, minimum=1)
    if q["available"]:
        _need(isinstance(q.get("records"), list), "qemu.records missing while qemu.available")

    for i, r in enumerate(_list(doc, "mca", "")):
        where = f"mca[{i}]"
        _need(isinstance(r, dict), f"{where} is not an object")
        _str(r, "cpu", where, nonempty=True)
        if "status" in r:
            _need(r["status"] == "no model", f"{where}.status is not 'no model'")
            _str(r, "reason", where, nonempty=True)
        else:
            for k in ("model", "fn", "variant"):
                _str(r, k, where, nonempty=True)
            _num(r, "throughput_cycles", where)
            _num(r, "latency_cycles", where)

    for i, b in enumerate(_list(doc, "bloat", "")):
        where = f"bloat[{i}]"
        _need(isinstance(b, dict), f"{where} is not an object")
        _str(b, "variant", where, nonempty=True)
        _str(b, "baseline", where, nonempty=True)
        for k in ("up", "down", "net"):
            _need(_is_int(b.get(k)), f"{where}.{k} is not an integer")
        for j, row in enumerate(_list(b, "rows", where)):
            rw = f"{where}.rows[{j}]"
            _need(isinstance(row, dict), f"{rw} is not an object")
            _str(row, "symbol", rw, nonempty=True)
            for k in ("old", "new"):
                _need(k in row and (row[k] is None or _is_int(row[k])),
                      f"{rw}.{k} is not an integer or null")
            _need(_is_int(row.get("delta")), f"{rw}.delta is not an integer")


def validate(doc, name="results"):
    """Raise KcbError (one line) unless doc matches the schema."""
    try:
        _need(isinstance(doc, dict), "top level is not an object")
        v = doc.get("schema_version")
        _need(_is_int(v), "schema_version missing or not an integer")
        _need(v == SCHEMA_VERSION,
              f"schema_version {v} is not supported (this reader knows {SCHEMA_VERSION})")
        kind = doc.get("kind")
        _need(kind in ("measured", "static"),
              f"kind {kind!r} is neither 'measured' nor 'static'")
        if kind == "measured":
            _check_measured(doc)
        else:
            _check_static(doc)
    except KcbError as e:
        raise KcbError(f"{name}: {str(e).lstrip('.')}") from None


def load(path):
    """Read, parse and validate one results file."""
    doc = read_json(path, bad=("not valid JSON", "not valid JSON"))
    validate(doc, path)
    return doc


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print("usage: kcb_results.py FILE...  (validate results files; "
              "exit 1 on the first bad one)", file=sys.stderr)
        return 2 if len(argv) < 2 else 0
    for path in argv[1:]:
        try:
            doc = load(path)
        except KcbError as e:
            print(f"kcb_results: {e}", file=sys.stderr)
            return 1
        n = len(doc.get("records", doc.get("symbols", [])))
        print(f"ok: {path} ({doc['kind']}, {n} "
              f"{'records' if doc['kind'] == 'measured' else 'symbols'})")
    return 0

