/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ppc64le: the kernel has no runtime_const here, so runtime_const_ptr() is
 * the asm-generic pointer load.  projected_const_ptr() is a PROJECTED
 * sequence, "projected (no kernel support)": the kernel's own 64-bit
 * immediate load (LOAD_REG_IMMEDIATE) lis/ori/sldi/oris/ori, 20 bytes,
 * imm16 in the low half of words 0, 1, 3, 4, patched like a runtime_const.
 */
#ifndef KCB_ARCH_PPC64LE_RUNTIME_CONST_H
#define KCB_ARCH_PPC64LE_RUNTIME_CONST_H

#define KCB_HAVE_PROJECTED_CONST 1
#define KCB_PROJECTED_SEQUENCE "lis,ori,sldi,oris,ori (projected (no kernel support))"
#define KCB_PROJECTED_SITE_BYTES 20

#include "../generic/runtime_const.h"

/* projected (no kernel support) */
#define projected_const_ptr(sym)                                                      \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("1:\tlis %0, 0x0123\n\t"                                      \
			"ori %0, %0, 0x4567\n\t"                                      \
			"sldi %0, %0, 32\n\t"                                         \
			"oris %0, %0, 0x89ab\n\t"                                     \
			"ori %0, %0, 0xcdef\n\t"                                      \
			KCB_SITE_RECORD("projected_ptr_" #sym, "1b")                                                 \
			: "=r"(__ret));                                               \
		__ret;                                                                \
	})

#endif
