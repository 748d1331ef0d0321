/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 runtime_const, as arch/arm64/include/asm/runtime-const.h: movz +
 * 3x movk of the same register (16 bytes), imm16 in bits 5..20 of each.
 * The asm is not volatile, so the compiler may CSE it like a constant.
 */
#ifndef KCB_ARCH_ARM64_RUNTIME_CONST_H
#define KCB_ARCH_ARM64_RUNTIME_CONST_H

#define KCB_HAVE_RUNTIME_CONST 1
#define KCB_HAVE_PROJECTED_CONST 0
#define KCB_RC_SEQUENCE "movz+movk+movk+movk"
#define KCB_RC_SITE_BYTES 16

#define runtime_const_ptr(sym)                                                        \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("1:\tmovz %0, #0xcdef\n\t"                                    \
			"movk %0, #0x89ab, lsl #16\n\t"                               \
			"movk %0, #0x4567, lsl #32\n\t"                               \
			"movk %0, #0x0123, lsl #48\n\t"                               \
			KCB_SITE_RECORD("runtime_ptr_" #sym, "1b")                                                 \
			: "=r"(__ret));                                               \
		__ret;                                                                \
	})

#include "../generic/runtime_const.h"

#endif
