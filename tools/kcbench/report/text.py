# SPDX-License-Identifier: GPL-2.0
"""Render report blocks as fixed-width ASCII text of at most 72 columns, for
pasting into a mail to linux-mm.  Wide tables are split into several
narrower ones that repeat the key columns; long cells wrap."""

import textwrap

from .blocks import Table, for_format

WIDTH = 72


SEP = "  "


_ASCII = {"±": "+-", "−": "-", "×": "x", "…": "...", "–": "-", "—": "-",
          "≤": "<=", "≥": ">=", "µ": "u"}


def ascii_text(s):
    for k, v in _ASCII.items():
        s = s.replace(k, v)
    return s.encode("ascii", "replace").decode("ascii")


def _wrap(text, indent="", first=""):
    return textwrap.wrap(text, WIDTH, initial_indent=first,
                         subsequent_indent=indent, break_long_words=True,
                         break_on_hyphens=False) or [first.rstrip()]


def _cell_lines(s, w):
    if len(s) <= w:
        return [s]
    return textwrap.wrap(s, w, break_long_words=True,
                         break_on_hyphens=False) or [""]


def _table_part(t, cols, widths):
    lines = []
    hdr = SEP.join(t.headers[c].ljust(widths[c]) if t.align[c] == "l"
                   else t.headers[c].rjust(widths[c]) for c in cols)
    lines.append(hdr.rstrip())
    lines.append(SEP.join("-" * widths[c] for c in cols))
    for r in t.rows:
        cells = [_cell_lines(r[c], widths[c]) for c in cols]
        for i in range(max(len(x) for x in cells)):
            parts = []
            for c, cl in zip(cols, cells):
                s = cl[i] if i < len(cl) else ""
                parts.append(s.ljust(widths[c]) if t.align[c] == "l"
                             else s.rjust(widths[c]))
            lines.append(SEP.join(parts).rstrip())
    return lines


def _table_txt(t):
    n = len(t.headers)
    nat = [max([len(t.headers[c])] + [len(r[c]) for r in t.rows])
           for c in range(n)]
    keys = list(range(min(t.key, n)))
    widths = list(nat)
    # keys may take at most half the line; wrap them beyond that
    kw = sum(widths[c] for c in keys) + len(SEP) * len(keys)
    while kw > WIDTH // 2 and keys:
        c = max(keys, key=lambda k: widths[k])
        widths[c] = max(8, widths[c] - 1)
        kw = sum(widths[c] for c in keys) + len(SEP) * len(keys)
        if all(widths[k] == 8 for k in keys):
            break
    room = WIDTH - kw
    for c in range(len(keys), n):  # one column alone must fit beside keys
        widths[c] = min(widths[c], max(room, 8))
        widths[c] = max(widths[c], min(len(t.headers[c]), room))
    groups, cur, used = [], [], 0
    for c in range(len(keys), n):
        w = widths[c] + len(SEP)
        if cur and used + w > room + len(SEP):
            groups.append(cur)
            cur, used = [], 0
        cur.append(c)
        used += w
    if cur or not groups:
        groups.append(cur)
    lines = []
    if t.title:
        lines += _wrap(t.title)
    for i, g in enumerate(groups):
        if i:
            lines.append("")
        lines += _table_part(t, keys + g, widths)
    for x in t.legend:
        lines += _wrap(x, indent="  ")
    return lines


def _hard_wrap(line):
    """Last resort so that no line ever exceeds WIDTH."""
    out = []
    while len(line) > WIDTH:
        out.append(line[:WIDTH - 1] + "\\")
        line = "  " + line[WIDTH - 1:]
    return out + [line]


def to_text(blocks):
    out = []
    for b in for_format(blocks, "txt"):
        kind = b[0]
        if kind == "h":
            lines = _wrap(ascii_text(b[2]))
            ch = "=" if b[1] <= 1 else "-"
            out += lines + [ch * max(len(x) for x in lines), ""]
        elif kind == "p":
            out += _wrap(ascii_text(b[1])) + [""]
        elif kind == "list":
            for x in b[1]:
                out += _wrap(ascii_text(x), indent="  ", first="- ")
            out.append("")
        elif kind == "code":
            for x in b[1]:
                out += _hard_wrap("  " + ascii_text(x))
            out.append("")
        elif kind == "kv":
            kw = min(max(len(k) for k, _ in b[1]) + 2, 20) if b[1] else 0
            for k, v in b[1]:
                first = (ascii_text(k) + ":").ljust(kw)
                out += _wrap(ascii_text(v), indent=" " * kw, first=first)
            out.append("")
        elif kind == "table":
            t = b[1]
            t2 = Table(ascii_text(t.title or ""),
                       [ascii_text(h) for h in t.headers],
                       [[ascii_text(c) for c in r] for r in t.rows],
                       t.key, t.align, [ascii_text(x) for x in t.legend])
            out += _table_txt(t2) + [""]
    final = []
    for line in out:
        final += _hard_wrap(line.rstrip())
    while final and not final[-1]:
        final.pop()
    return "\n".join(final) + "\n"
