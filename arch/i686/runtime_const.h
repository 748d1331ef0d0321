/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i686: the kernel's 32-bit x86 has no runtime_const, so runtime_const_ptr()
 * is the asm-generic pointer load.  projected_const_ptr() is a PROJECTED
 * sequence, "projected (no kernel support)": mov $imm32,%reg (B8+r id,
 * 5 bytes), patched like a runtime_const.
 */
#ifndef KCB_ARCH_I686_RUNTIME_CONST_H
#define KCB_ARCH_I686_RUNTIME_CONST_H

#define KCB_HAVE_PROJECTED_CONST 1
#define KCB_PROJECTED_SEQUENCE "mov $imm32,%reg (projected (no kernel support))"
#define KCB_PROJECTED_SITE_BYTES 5

#include "../generic/runtime_const.h"

/* projected (no kernel support) */
#define projected_const_ptr(sym)                                                      \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("1:\tmovl $0x89abcdef, %0\n\t"                                \
			KCB_SITE_RECORD("projected_ptr_" #sym, "1b")                                                 \
			: "=r"(__ret));                                               \
		__ret;                                                                \
	})

#endif
