# SPDX-License-Identifier: GPL-2.0
"""The report as data: a list of blocks, built by the views and rendered by
markdown.py and text.py.

Blocks: ("h", level, text) ("p", text) ("list", [text]) ("code", [line])
("kv", [(key, value)]) ("table", Table); ("md", block) and ("txt", block)
appear in one format only."""
from ..vocab import MODELS, VARIANTS, sort_keys


class Table:
    def __init__(self, title, headers, rows, key=1, align=None, legend=()):
        self.title = title
        self.headers = list(headers)
        self.rows = [[("" if c is None else str(c)) for c in r] for r in rows]
        self.key = key
        self.align = align or (["l"] * key + ["r"] * (len(headers) - key))
        self.legend = list(legend)


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


def model_variant_rows(pairs, columns, cell, notes):
    """One row per (model, variant) pair in vocab order, labelled with its
    note marker, then cell(model, variant, column) per column ("-" where it
    gives nothing).  Returns (rows, labels) for the table's legend."""
    lab = Labels(notes)
    rows = [[lab(v, model)] + [cell(model, v, c) or "-" for c in columns]
            for model, v in sort_keys(pairs, MODELS, VARIANTS)]
    return rows, lab


def for_format(blocks, fmt):
    """("md", block) / ("txt", block) wrap a block meant for one format."""
    for b in blocks:
        if b[0] in ("md", "txt"):
            if b[0] == fmt:
                yield b[1]
        else:
            yield b
