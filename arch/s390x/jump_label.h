/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s390 jump label, as arch/s390/include/asm/jump_label.h: brcl 0,target
 * (a nop that keeps the offset) <-> brcl 15,target
 * (interface: arch/generic/jump_label.h).
 */
#ifndef KCB_ARCH_S390X_JUMP_LABEL_H
#define KCB_ARCH_S390X_JUMP_LABEL_H

#define KCB_HAVE_JUMP_LABEL 1
#define KCB_JUMP_INSN "brcl 0,%l[l_yes]"
#define KCB_JUMP_LABEL_DESC "jump label: brcl 0 <-> brcl 15, patched"

#include "../generic/jump_label.h"

#endif
