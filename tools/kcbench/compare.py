# SPDX-License-Identifier: GPL-2.0
"""The regression gate behind tools/compare: deterministic metrics (bytes,
static insns, QEMU insns/op) must match the baseline exactly or within the
stated tolerance; measured metrics of the same host are compared with a
Mann-Whitney U test (google/benchmark compare.py style)."""
from .io import KcbError
from .report.facts import measured_index
from .report.fmt import fnum
from .report.stats import ALPHA, differ
from .vocab import ARCH_NAMES, DEFAULT_CONFIG, mca_unit, order


class Tolerance:
    def __init__(self, bytes_=0, insns=0, qemu=0, alpha=ALPHA, min_change=0.05,
                 allow_improvement=False):
        self.bytes = bytes_
        self.insns = insns
        self.qemu = qemu
        self.alpha = alpha
        self.min_change = min_change
        self.allow_improvement = allow_improvement

    def describe(self):
        def t(x):
            return "exact" if x == 0 else f"+-{fnum(x)}"
        return (f"bytes {t(self.bytes)}, insns {t(self.insns)}, qemu-insns/op "
                f"{t(self.qemu)}"
                + ("; shrinking is allowed" if self.allow_improvement else
                   "; any change fails") +
                f". Measured (same host only): Mann-Whitney U, alpha "
                f"{self.alpha}, and a median change over "
                f"{self.min_change * 100:g}%")


def _det(st):
    """Every deterministic number of one static file: key -> (value, kind)."""
    out = {}
    for key, tag in (("sites", "site"), ("sites_kernel_cmodel",
                                         "site-kernel")):
        for r in st.doc.get(key) or []:
            k = f"{tag} {r['model']} {r['variant']}"
            out[(k, "bytes")] = (r["bytes"], "bytes")
            out[(k, "insns")] = (r["insns"], "insns")
    for r in st.doc["symbols"]:
        out[(r["symbol"], "bytes")] = (r["bytes"], "bytes")
        out[(r["symbol"], "insns")] = (r["insns"], "insns")
    for r in (st.doc.get("qemu") or {}).get("records") or []:
        cfg = r.get("config", DEFAULT_CONFIG)
        k = f"qemu {r.get('fn')} {r.get('model')} {r.get('variant')}" + \
            ("" if cfg == DEFAULT_CONFIG else f" [{cfg}]")
        for f in ("insns_per_op", "hotpath_insns_per_op"):
            if r.get(f) is not None:
                out[(k, f.replace("_", "-"))] = (r[f], "qemu")
    return out


def static_arches(res):
    return order(res.static, ARCH_NAMES)


def check_arch_sets(run, base, only=None):
    ra, ba = static_arches(run), static_arches(base)
    if not ba:
        raise KcbError("the baseline holds no static results "
                          "(<arch>-static.json): create it with "
                          "tools/compare --update <rundir>")
    if only:
        miss = [a for a in only if a not in ra or a not in ba]
        if miss:
            raise KcbError(f"--arches {','.join(miss)}: not in both the "
                              f"run ({','.join(ra) or 'none'}) and the "
                              f"baseline ({','.join(ba)})")
        return list(only)
    if ra != ba:
        raise KcbError(f"baseline is for a different arch set: baseline "
                          f"{','.join(ba)}, run {','.join(ra) or 'none'} "
                          "(update the baseline on purpose, or pass "
                          "--arches)")
    return ra


def compare(run, base, tol, only=None):
    """Returns (failures, notes): failures are rows
    [arch, item, metric, old, new, delta, why]; notes are lines."""
    arches = check_arch_sets(run, base, only)
    fails, notes = [], []
    limit = {"bytes": tol.bytes, "insns": tol.insns, "qemu": tol.qemu}
    for arch in arches:
        old, new = _det(base.static[arch]), _det(run.static[arch])
        for key in sorted(set(old) | set(new)):
            item, metric = key
            if key not in new:
                fails.append([arch, item, metric, fnum(old[key][0]), "missing",
                              "", "gone from the run"])
                continue
            if key not in old:
                notes.append(f"{arch}: new {item} {metric} = "
                             f"{fnum(new[key][0])} (not in the baseline)")
                continue
            (o, kind), (n, _) = old[key], new[key]
            d = n - o
            if abs(d) <= limit[kind] or (d < 0 and tol.allow_improvement):
                continue
            fails.append([arch, item, metric, fnum(o), fnum(n),
                          f"{'+' if d > 0 else '-'}{fnum(abs(d))}",
                          "grew" if d > 0 else "shrank"])
        def mca_key(r):
            return (r.get("cpu"), r.get("fn"), r.get("model"), r.get("variant"),
                    r.get("config", DEFAULT_CONFIG))
        o_mca = {mca_key(r): r for r in base.static[arch].doc.get("mca") or []
                 if "throughput_cycles" in r}
        for r in run.static[arch].doc.get("mca") or []:
            k = mca_key(r)
            if k in o_mca and r.get("throughput_cycles") != \
                    o_mca[k]["throughput_cycles"]:
                cfg = "" if k[4] == DEFAULT_CONFIG else f" [{k[4]}]"
                notes.append(f"{arch}: {mca_unit(k[0])} {k[1]} {k[2]} "
                             f"{k[3]}{cfg}: {fnum(o_mca[k]['throughput_cycles'])}"
                             f" -> {fnum(r['throughput_cycles'])} "
                             "(estimate, not gated)")
    fails += _measured(run, base, tol, arches, notes)
    return arches, fails, notes


def _measured(run, base, tol, arches, notes):
    fails = []
    for m in run.measured:
        if m.arch not in arches:
            continue
        olds = [b for b in base.measured if b.arch == m.arch
                and b.host == m.host and b.config == m.config]
        if not olds:
            notes.append(f"{m.arch} on {m.label}: no baseline from this host;"
                         " measured timings not gated")
            continue
        if m.qemu:
            notes.append(f"{m.arch} on {m.label}: timings under QEMU are "
                         "emulated, not gated")
            continue
        oi, ni = measured_index(olds[0]), measured_index(m)
        for key in sorted(set(oi) & set(ni)):
            r, o = ni[key], oi[key]
            unit = r["primary"]
            d = differ(r["metrics"].get(unit), o["metrics"].get(unit),
                       tol.alpha)
            if d["verdict"] != "higher":
                continue
            om = o["metrics"][unit]["median"]
            if om and d["delta"] / abs(om) <= tol.min_change:
                continue
            why = d["method"] + ("" if d["p"] is None else f" p={d['p']:.3g}")
            fails.append([m.arch, f"{m.label} {' '.join(key)}", unit,
                          fnum(om), fnum(r["metrics"][unit]["median"]),
                          f"+{fnum(d['delta'])}", why])
    return fails


def table(rows):
    hdr = ["arch", "what", "metric", "old", "new", "delta", "why"]
    rows = [hdr] + rows
    w = [max(len(str(r[i])) for r in rows) for i in range(len(hdr))]
    right = {3, 4, 5}
    out = []
    for j, r in enumerate(rows):
        out.append("  ".join(str(c).rjust(w[i]) if i in right
                             else str(c).ljust(w[i])
                             for i, c in enumerate(r)).rstrip())
        if j == 0:
            out.append("  ".join("-" * x for x in w))
    return out
