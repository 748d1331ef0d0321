# SPDX-License-Identifier: GPL-2.0
"""Hot-path symbols kcb_<fn>__<model>__<variant>: bytes/insns per function,
and the bloat-o-meter table of every symbol."""
from ..blocks import Table, model_variant_rows
from ..facts import fns_present, symbols
from ..fmt import fdelta


def hotpath_table(st, notes):
    syms = symbols(st)
    fns = [f for f in fns_present(st) if f != "site"]

    def cell(model, v, f):
        s = syms.get((f, model, v))
        return s and f"{s['bytes']}/{s['insns']}"
    rows, lab = model_variant_rows({(k[1], k[2]) for k in syms if k[0] in fns},
                                   fns, cell, notes)
    if not rows:
        return None
    return Table("Hot-path symbols kcb_<fn>__<model>__<variant> "
                 "[bytes/insns, objdump]", ["model variant"] + fns, rows,
                 legend=lab.legend() + ["- = not built for this variant"])


def bloat_table(st):
    bl = st.doc.get("bloat") or []
    if not bl:
        return None
    return Table("bloat-o-meter style, every hot-path symbol [bytes, "
                 "objdump]", ["variant", "vs", "up", "down", "net"],
                 [[x.get("variant"), x.get("baseline"), x.get("up"),
                   x.get("down"), fdelta(x.get("net"), "B")]
                  for x in bl], key=2)
