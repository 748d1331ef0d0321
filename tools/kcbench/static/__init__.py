# SPDX-License-Identifier: GPL-2.0
"""Static metrics of a build: ELF/objdump reading, llvm-mca estimates, QEMU
instruction counts, and the pass that writes <arch>-static.json."""
