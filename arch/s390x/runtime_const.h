/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s390x runtime_const, as arch/s390/include/asm/runtime-const.h: iihf sets
 * the high 32 bits, iilf the low 32 bits of one register (two RIL-a
 * instructions, 12 bytes; I2 fields at +2 and +8, big-endian).  Not
 * volatile: the compiler may CSE it.
 */
#ifndef KCB_ARCH_S390X_RUNTIME_CONST_H
#define KCB_ARCH_S390X_RUNTIME_CONST_H

#define KCB_HAVE_RUNTIME_CONST 1
#define KCB_HAVE_PROJECTED_CONST 0
#define KCB_RC_SEQUENCE "iihf+iilf"
#define KCB_RC_SITE_BYTES 12

#define runtime_const_ptr(sym)                                                        \
	({                                                                            \
		__typeof__(sym) __ret;                                                \
		__asm__("0:\tiihf %0, 0x01234567\n\t"                                 \
			"iilf %0, 0x89abcdef\n\t"                                     \
			KCB_SITE_RECORD("runtime_ptr_" #sym, "0b")                                                 \
			: "=d"(__ret));                                               \
		__ret;                                                                \
	})

#include "../generic/runtime_const.h"

#endif
