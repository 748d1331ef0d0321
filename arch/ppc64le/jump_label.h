/* SPDX-License-Identifier: GPL-2.0 */
/*
 * powerpc jump label, as arch/powerpc/include/asm/jump_label.h: nop <-> b
 * (interface: arch/generic/jump_label.h).
 */
#ifndef KCB_ARCH_PPC64LE_JUMP_LABEL_H
#define KCB_ARCH_PPC64LE_JUMP_LABEL_H

#define KCB_HAVE_JUMP_LABEL 1
#define KCB_JUMP_INSN "nop"
#define KCB_JUMP_LABEL_DESC "jump label: nop <-> b, patched"

#include "../generic/jump_label.h"

#endif
