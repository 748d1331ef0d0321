# SPDX-License-Identifier: GPL-2.0
"""Render report blocks as GitHub Markdown."""

from .blocks import for_format

def _md(s):
    """Plain text -> Markdown that GitHub shows literally (symbol names
    like kcb_<fn>__* would otherwise become emphasis or HTML)."""
    for a, b in (("\\", "\\\\"), ("*", "\\*"), ("_", "\\_"),
                 ("<", "&lt;"), (">", "&gt;"), ("`", "\\`")):
        s = s.replace(a, b)
    return s


def _md_cell(s):
    return _md(s).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks):
    out = []
    for b in for_format(blocks, "md"):
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
