# SPDX-License-Identifier: GPL-2.0
"""gcc and clang side by side for one arch: the call site (kcb_site__*), the
hot-path symbol kcb_callsite__*, QEMU instructions per op and the llvm-mca
headline figure, one column per compiler.  The kernel's inline asm is the
same under both; what differs is the code around it (register choice, CSE
of the constant, stack alignment), so the call-site symbol is where the
columns part.
"""
from ...vocab import DEFAULT_COMPILER, MODELS, VARIANTS, sort_keys
from ..blocks import Table
from ..facts import mca_cpus, mca_recs, qemu_recs, symbols
from ..fmt import fnum
from ..sequence import count_loads

FN = "callsite"


def _compiler(st):
    return st.ctx.get("compiler") or f"{DEFAULT_COMPILER} (not recorded)"


def _site(st, model, variant):
    for r in st.doc.get("sites") or []:
        if r["model"] == model and r["variant"] == variant:
            loads = count_loads(st.arch, r.get("listing") or r.get("sequence"))
            return f"{r['bytes']}/{r['insns']}/{'?' if loads is None else loads}"
    return "-"


def _callsite(st, model, variant):
    r = symbols(st).get((FN, model, variant))
    return f"{r['bytes']}/{r['insns']}" if r else "-"


def _qemu(st, model, variant):
    r = qemu_recs(st).get((FN, model, variant))
    return fnum(r.get("insns_per_op")) if r and r.get("insns_per_op") is not None else "-"


def _mca(st, cpu, model, variant):
    r = mca_recs(st).get((cpu, FN, model, variant))
    return fnum(r["throughput_cycles"]) if r else "-"


def compiler_blocks(gcc, others):
    """Report blocks for gcc (a Static) against {name: Static} of the other
    compilers of the same arch; [] when there is none."""
    if not others:
        return []
    sts = [gcc] + [others[k] for k in sorted(others)]
    names = [_compiler(st).split()[0] for st in sts]
    keys = sort_keys({(r["model"], r["variant"]) for st in sts for r in st.doc.get("sites") or []},
                     MODELS, VARIANTS)
    cpu = next((c for c in mca_cpus(gcc)[0] if all(c in mca_cpus(st)[0] for st in sts)), None)
    cols = [("site", _site), ("sym", _callsite)]
    if any(qemu_recs(st) for st in sts):
        cols.append(("qemu", _qemu))
    headers = ["model variant"] + [f"{what} {n}" for what, _ in cols for n in names]
    rows = []
    for model, variant in keys:
        row = [f"{model} {variant}"]
        for _, cell in cols:
            row += [cell(st, model, variant) for st in sts]
        if cpu:
            row += [_mca(st, cpu, model, variant) for st in sts]
        rows.append(row)
    if cpu:
        headers += [f"mca {n}" for n in names]
    legend = ["compilers: " + "; ".join(_compiler(st) for st in sts),
              "site: bytes/insns/loads of kcb_site__* (objdump); "
              f"sym: bytes/insns of kcb_{FN}__* (objdump)"]
    if "qemu" in [c for c, _ in cols]:
        legend.append(f"qemu: qemu-insns per op of kcb_{FN}__*, allocator included")
    if cpu:
        legend.append(f"mca: llvm-mca Total Cycles/Iterations of kcb_{FN}__*, "
                      f"mca-cycles({cpu})")
    return [("table", Table(f"{' and '.join(names)} side by side [objdump, qemu-insns, "
                            "llvm-mca; one column per compiler]", headers, rows,
                            legend=legend))]
