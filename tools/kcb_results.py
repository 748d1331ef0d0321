#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate results files against results/SCHEMA.md (kcbench.results).

  tools/kcb_results.py FILE...   one "ok" line per file, or one error line
                                 on stderr and exit 1
"""
import sys

from kcbench import results

if __name__ == "__main__":
    sys.exit(results.main(sys.argv))
