/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv jump label, as arch/riscv/include/asm/jump_label.h: a 4-byte
 * nop <-> jal zero,target (norvc, as the kernel)
 * (interface: arch/generic/jump_label.h).
 */
#ifndef KCB_ARCH_RISCV64_JUMP_LABEL_H
#define KCB_ARCH_RISCV64_JUMP_LABEL_H

#define KCB_HAVE_JUMP_LABEL 1
#define KCB_JUMP_INSN ".option push\n\t.option norvc\n\tnop\n\t.option pop"
#define KCB_JUMP_LABEL_DESC "jump label: nop <-> jal zero, patched"

#include "../generic/jump_label.h"

#endif
