# SPDX-License-Identifier: GPL-2.0
"""tools/kernel --exec: the real mm/slub.c executed in a KUnit suite of the
project's own (UML for timings, qemu-system TCG for instruction counts)."""
