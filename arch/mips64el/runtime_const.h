/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mips64el: the kernel has no runtime_const here, so runtime_const_ptr() is
 * the asm-generic pointer load.  projected_const_ptr() is a PROJECTED
 * sequence, "projected (no kernel support)": the 64-bit immediate load
 * lui/ori/dsll/ori/dsll/ori (24 bytes), patched like a runtime_const.  No
 * branches inside, so no delay slot to mind; GCC never puts a multi-insn asm
 * into a delay slot.
 */
#ifndef KCB_ARCH_MIPS64EL_RUNTIME_CONST_H
#define KCB_ARCH_MIPS64EL_RUNTIME_CONST_H

#define KCB_HAVE_PROJECTED_CONST 1
#define KCB_PROJECTED_SEQUENCE "lui,ori,dsll,ori,dsll,ori (projected (no kernel support))"
#define KCB_PROJECTED_SITE_BYTES 24

#include "../generic/runtime_const.h"

/* projected (no kernel support) */
#define projected_const_ptr(sym)                                                      \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("1:\tlui %0, 0x0123\n\t"                                      \
			"ori %0, %0, 0x4567\n\t"                                      \
			"dsll %0, %0, 16\n\t"                                         \
			"ori %0, %0, 0x89ab\n\t"                                      \
			"dsll %0, %0, 16\n\t"                                         \
			"ori %0, %0, 0xcdef\n\t"                                      \
			KCB_SITE_RECORD("projected_ptr_" #sym, "1b")                                                 \
			: "=r"(__ret));                                               \
		__ret;                                                                \
	})

#endif
