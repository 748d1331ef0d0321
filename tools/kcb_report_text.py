"""Render a report (a list of blocks) as GitHub Markdown or as fixed-width
ASCII text of at most 72 columns, for pasting into a mail to linux-mm.

Blocks: ("h", level, text) ("p", text) ("list", [text]) ("code", [line])
("kv", [(key, value)]) ("table", Table); ("md", block) and ("txt", block)
appear in one format only.  Wide tables are split into
several narrower ones that repeat the key columns; long cells wrap."""
import textwrap

WIDTH = 72
SEP = "  "
_ASCII = {"±": "+-", "−": "-", "×": "x", "…": "...", "–": "-", "—": "-",
          "≤": "<=", "≥": ">=", "µ": "u"}


class Table:
    def __init__(self, title, headers, rows, key=1, align=None, legend=()):
        self.title = title
        self.headers = list(headers)
        self.rows = [[("" if c is None else str(c)) for c in r] for r in rows]
        self.key = key
        self.align = align or (["l"] * key + ["r"] * (len(headers) - key))
        self.legend = list(legend)


def ascii_text(s):
    for k, v in _ASCII.items():
        s = s.replace(k, v)
    return s.encode("ascii", "replace").decode("ascii")


# ---- Markdown --------------------------------------------------------------
def _md(s):
    """Plain text -> Markdown that GitHub shows literally (symbol names
    like kcb_<fn>__* would otherwise become emphasis or HTML)."""
    for a, b in (("\\", "\\\\"), ("*", "\\*"), ("_", "\\_"),
                 ("<", "&lt;"), (">", "&gt;"), ("`", "\\`")):
        s = s.replace(a, b)
    return s


def _md_cell(s):
    return _md(s).replace("|", "\\|").replace("\n", " ")


def _only(blocks, fmt):
    """("md", block) / ("txt", block) wrap a block meant for one format."""
    for b in blocks:
        if b[0] in ("md", "txt"):
            if b[0] == fmt:
                yield b[1]
        else:
            yield b


def to_markdown(blocks):
    out = []
    for b in _only(blocks, "md"):
        kind = b[0]
        if kind == "h":
            out += ["#" * b[1] + " " + _md(b[2]), ""]
        elif kind == "p":
            out += [_md(b[1]), ""]
        elif kind == "list":
            out += [f"- {_md(x)}" for x in b[1]] + [""]
        elif kind == "code":
            out += ["```"] + list(b[1]) + ["```", ""]
        elif kind == "kv":
            out += [f"- **{_md(k)}**: {_md_cell(v)}" for k, v in b[1]] + [""]
        elif kind == "table":
            t = b[1]
            if t.title:
                out += [f"**{_md(t.title)}**", ""]
            out.append("| " + " | ".join(_md_cell(h) for h in t.headers)
                       + " |")
            out.append("|" + "|".join("---:" if a == "r" else "---"
                                      for a in t.align) + "|")
            for r in t.rows:
                out.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
            out.append("")
            if t.legend:
                out += [f"{_md(x)}  " for x in t.legend] + [""]
    return "\n".join(out).rstrip() + "\n"


# ---- fixed width -------------------------------------------------------------
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
    for b in _only(blocks, "txt"):
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
