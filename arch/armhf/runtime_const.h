/* SPDX-License-Identifier: GPL-2.0 */
/*
 * armhf: the kernel has no runtime_const here, so runtime_const_ptr() is the
 * asm-generic pointer load.  projected_const_ptr() is a PROJECTED sequence,
 * "projected (no kernel support)": movw/movt (8 bytes) patched like a
 * runtime_const.  Debian's armhf compiler emits Thumb-2 by default, and the
 * patcher decodes the Thumb-2 encodings only, so every TU must be Thumb-2.
 */
#ifndef KCB_ARCH_ARMHF_RUNTIME_CONST_H
#define KCB_ARCH_ARMHF_RUNTIME_CONST_H

#if !defined(__thumb2__)
#error "armhf: kcache-bench is built as Thumb-2 (Debian's default); the movw/movt patcher decodes Thumb-2 only"
#endif

#define KCB_HAVE_PROJECTED_CONST 1
#define KCB_PROJECTED_SEQUENCE "movw,movt (Thumb-2) (projected (no kernel support))"
#define KCB_PROJECTED_SITE_BYTES 8

#include "../generic/runtime_const.h"

/* projected (no kernel support) */
#define projected_const_ptr(sym)                                                      \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("1:\tmovw %0, #0xcdef\n\t"                                    \
			"movt %0, #0x89ab\n\t"                                        \
			KCB_SITE_RECORD("projected_ptr_" #sym, "1b")                                                 \
			: "=r"(__ret));                                               \
		__ret;                                                                \
	})

#endif
