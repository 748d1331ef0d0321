#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Static and emulated metrics of one arch's build (issue 3).

  tools/static_metrics.py --arch <dir> --build <build dir> --out <file.json>
                          [--no-qemu] [--no-mca] [--jobs 2] [-n 64]

Reads the build's kcb_count driver (every hot path, linked, non-PIE) and, on
x86_64, the -mcmodel=kernel hot-path objects; writes the "static" JSON
(results/SCHEMA.md) atomically and prints a bloat-o-meter-shaped report.
Units: bytes, insns (objdump), qemu-insns (kcbench/static/qemu.py),
mca-cycles(<cpu>) (kcbench/static/mca.py).
"""
from kcbench.io import run
from kcbench.static.metrics import main

if __name__ == "__main__":
    run("static_metrics", main)
