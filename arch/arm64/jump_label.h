/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 jump label, as arch/arm64/include/asm/jump_label.h: nop <-> b
 * (interface: arch/generic/jump_label.h).
 */
#ifndef KCB_ARCH_ARM64_JUMP_LABEL_H
#define KCB_ARCH_ARM64_JUMP_LABEL_H

#define KCB_HAVE_JUMP_LABEL 1
#define KCB_JUMP_INSN "nop"
#define KCB_JUMP_LABEL_DESC "jump label: nop <-> b, patched"

#include "../generic/jump_label.h"

#endif
