#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write tests/asm/<arch>.check from a build, for when a sequence changes on
purpose (like LLVM's update_*_checks).  Review the diff before committing.

  gen_check.py --arch A --objdump T-objdump --binary B > tests/asm/A.check

Every instruction of every kcb_site__*/kcb_callsite__* symbol becomes one
CHECK-NEXT line, anchored at both ends, so an added, dropped or changed
instruction fails.  Abstracted (they move with the link, not the code):
numbers (addresses, displacements, unpatched immediates), except arm64
`lsl #N` shifts; on ppc64le the TOC-pointer `addis` that the linker may turn
into a `nop` (and the base register of the following access).
"""
import sys

from kcbench.asmcheck.gen import main

if __name__ == "__main__":
    sys.exit(main())
