# SPDX-License-Identifier: GPL-2.0
"""tools/report: load results, derive facts, assemble blocks, render them."""
