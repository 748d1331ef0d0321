# SPDX-License-Identifier: GPL-2.0
"""Real-kernel mode: the static-duration series' call sites compiled three
ways (pointer, runtime_const, static) in a Linux tree, per arch."""
