# SPDX-License-Identifier: GPL-2.0
"""Call-site materialisation tables: per arch, and all arches side by side."""
from ...vocab import VARIANTS, order
from ..blocks import Labels, Table
from ..facts import site_rows


def site_table(st, key, title, notes):
    lab = Labels(notes)
    rows = []
    for r in site_rows(st, key):
        rows.append([lab(r["variant"], r["model"]), r["bytes"], r["insns"],
                     "n/a" if r["loads"] is None else r["loads"], r["seq"]])
    if not rows:
        return None
    return Table(title, ["variant", "bytes", "insns", "loads", "sequence"],
                 rows, align=["l", "r", "r", "r", "l"], legend=lab.legend())


def summary_table(res):
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
