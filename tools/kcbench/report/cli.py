# SPDX-License-Identifier: GPL-2.0
"""tools/report's command line: one run folder, or several hosts merged."""
import os
import sys

from ..io import KcbError, Parser, rel, write_atomic
from .build import build
from .load import load
from .markdown import to_markdown
from .text import to_text

DESCRIPTION = "Write report.md and report.txt (72 columns, mail-ready) for a run."


def _headline_text(blocks):
    for i, b in enumerate(blocks):
        if b[0] == "h" and b[2].startswith("Headline"):
            return to_text(blocks[i:i + 2])
    return ""


def _write(res, outdir, regen, show_headline):
    blocks = build(res, regen)
    md = os.path.join(outdir, "report.md")
    txt = os.path.join(outdir, "report.txt")
    write_atomic({md: to_markdown(blocks), txt: to_text(blocks)})
    print(f"report: wrote {rel(md)} and {rel(txt)}")
    for w in res.warnings:
        print(f"report: warning: {w}", file=sys.stderr)
    if show_headline:
        print()
        print(_headline_text(blocks), end="")
    return 0


def main(argv):
    if argv and argv[0] == "merge":
        p = Parser(prog="tools/report merge",
                   description="merge several hosts' results into one report")
        p.add_argument("inputs", nargs="+", help="run folders or JSON files")
        p.add_argument("-o", "--out", required=True, help="output folder")
        p.add_argument("--headline", action="store_true")
        a = p.parse_args(argv[1:])
        res = load(a.inputs, runs="auto")
        regen = ["tools/report merge " + " ".join(rel(x) for x in a.inputs)
                 + f" -o {rel(a.out)}"]
        return _write(res, a.out, regen, a.headline)
    p = Parser(prog="tools/report", description=DESCRIPTION)
    p.add_argument("rundir", help="results/runs/<stamp>")
    p.add_argument("--headline", action="store_true")
    a = p.parse_args(argv)
    if not os.path.isdir(a.rundir):
        raise KcbError(f"{a.rundir}: not a run folder")
    res = load([a.rundir], runs="all")
    return _write(res, a.rundir, [f"tools/report {rel(a.rundir)}"],
                  a.headline)
