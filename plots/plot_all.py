#!/usr/bin/python3
"""Render every plot of a run as PNG and SVG.

  plots/plot_all.py <rundir>                  -> <rundir>/plots/
  plots/plot_all.py <rundir-or-json>... -o <outdir>   (merged hosts)

A plot with no data to draw is skipped with a line saying why.  Exit 2 with
one line on stderr for bad input."""
import os
import sys

# the one place plots/ reaches the kcbench package in tools/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))

import kcb_plot_style  # noqa: E402,F401  (selects the Agg backend first)
import plot_bytes  # noqa: E402
import plot_cold  # noqa: E402
import plot_mca  # noqa: E402
import plot_measured  # noqa: E402
from kcbench.io import KcbError, Parser, rel, run  # noqa: E402
from kcbench.report.load import load  # noqa: E402

PLOTS = [("bytes", plot_bytes), ("measured", plot_measured),
         ("llvm-mca", plot_mca), ("cold-pointer penalty", plot_cold)]


def main(argv):
    p = Parser(prog="plots/plot_all.py", description=__doc__.splitlines()[0])
    p.add_argument("inputs", nargs="+", help="run folder(s) or JSON files")
    p.add_argument("-o", "--out", help="output folder (default "
                                       "<rundir>/plots)")
    a = p.parse_args(argv)
    if a.out is None:
        if len(a.inputs) != 1 or not os.path.isdir(a.inputs[0]):
            raise KcbError("give -o <outdir> when plotting several inputs")
        a.out = os.path.join(a.inputs[0], "plots")
    res = load(a.inputs)
    n = 0
    for name, mod in PLOTS:
        files, why = mod.plot(res, a.out)
        if why:
            print(f"plots: {name}: skipped: {why}")
        for f in files:
            n += 1
            print(f"plots: wrote {rel(f)}")
    if n == 0:
        raise KcbError("nothing to plot in these results")
    return 0


if __name__ == "__main__":
    run("plots", main)
