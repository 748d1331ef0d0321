#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Asm assertions: the kcb_site__* and kcb_callsite__* code of a built
binary, checked with LLVM FileCheck against tests/asm/<arch>.check.

  tools/asmcheck/run_check.py --arch A --objdump T-objdump --binary B --check F [--doctored]
  tools/asmcheck/run_check.py --arch A --listing L --check F [--doctored]   (a saved listing)

The listing fed to FileCheck is objdump's, reduced to the checked symbols in
name order (link order does not matter) and one instruction a line, without
addresses:
  kcb_site__sheaves__runtime_const:
  movabs $0x123456789abcdef0,%rax
  ret
--doctored proves the check can fail: the clean listing must pass, then the
first instruction of every runtime_const, projected and static call site is replaced by
`nop` and FileCheck must reject it.  Exit 0 only when both hold.
"""
import sys

from kcbench.asmcheck.check import main

if __name__ == "__main__":
    sys.exit(main())
