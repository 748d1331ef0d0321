/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 jump label, as arch/x86/include/asm/jump_label.h: the 5-byte nop
 * (0f 1f 44 00 00) <-> jmp rel32.  (With objtool's JUMP_LABEL_HACK the
 * kernel may also use 2-byte sites, 66 90 <-> jmp rel8: the patcher takes
 * both.)
 * (interface: arch/generic/jump_label.h).
 */
#ifndef KCB_ARCH_X86_JUMP_LABEL_H
#define KCB_ARCH_X86_JUMP_LABEL_H

#define KCB_HAVE_JUMP_LABEL 1
#define KCB_JUMP_INSN ".byte 0x0f, 0x1f, 0x44, 0x00, 0x00"
#define KCB_JUMP_LABEL_DESC "jump label: nop5 (0f 1f 44 00 00) <-> jmp rel32, patched"

#include "../generic/jump_label.h"

#endif
