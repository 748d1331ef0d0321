# SPDX-License-Identifier: GPL-2.0
"""Hot-path symbols kcb_<fn>__<model>__<variant>: bytes/insns per function,
and the bloat-o-meter table of every symbol."""
from ...vocab import MODELS, VARIANTS, sort_keys
from ..blocks import Labels, Table
from ..facts import fns_present, symbols
from ..fmt import fdelta


def hotpath_table(st, notes):
    syms = symbols(st)
    fns = [f for f in fns_present(st) if f != "site"]
    keys = sort_keys({(k[1], k[2]) for k in syms if k[0] in fns},
                     MODELS, VARIANTS)
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


def bloat_table(st):
    bl = st.doc.get("bloat") or []
    if not bl:
        return None
    return Table("bloat-o-meter style, every hot-path symbol [bytes, "
                 "objdump]", ["variant", "vs", "up", "down", "net"],
                 [[x.get("variant"), x.get("baseline"), x.get("up"),
                   x.get("down"), fdelta(x.get("net"), "B")]
                  for x in bl], key=2)
