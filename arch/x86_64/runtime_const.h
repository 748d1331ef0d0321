/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 runtime_const, as arch/x86/include/asm/runtime-const.h: the value
 * is a movabs imm64 (REX.W B8+r io, 10 bytes) patched at start-up.  The asm
 * is not volatile, so the compiler may CSE it like any constant.
 * Site = the movabs itself; the imm64 is at +2 (little-endian).
 */
#ifndef KCB_ARCH_X86_64_RUNTIME_CONST_H
#define KCB_ARCH_X86_64_RUNTIME_CONST_H

#define KCB_HAVE_RUNTIME_CONST 1
#define KCB_HAVE_PROJECTED_CONST 0
#define KCB_RC_SEQUENCE "movabs $imm64,%reg"
#define KCB_RC_SITE_BYTES 10

#define runtime_const_ptr(sym)                                                        \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("1:\tmovabsq $0x0123456789abcdef, %0\n\t"                     \
			KCB_SITE_RECORD("runtime_ptr_" #sym, "1b")                                                 \
			: "=r"(__ret));                                               \
		__ret;                                                                \
	})

#include "../generic/runtime_const.h"

#endif
