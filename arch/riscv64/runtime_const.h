/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 runtime_const, as arch/riscv/include/asm/runtime-const.h: two
 * 32-bit halves, each lui+addiw, then combined; norvc so every instruction
 * is 4 bytes and patchable.  32 bytes in every form:
 *   base: lui,lui,addiw,addiw,slli,slli,srli,add
 *   Zba:  lui,lui,addiw,addiw,slli,add.uw,nop,nop   (KCB_RC_FORM_ZBA)
 *   Zbkb: lui,lui,addiw,addiw,pack,nop,nop,nop      (KCB_RC_FORM_ZBKB)
 * The kernel picks the form with ALTERNATIVE at boot; here a TU picks it at
 * build time (kernels/CMakeLists.txt compiles separate variants), and the
 * patcher recognises all three.  Not volatile: the compiler may CSE it.
 */
#ifndef KCB_ARCH_RISCV64_RUNTIME_CONST_H
#define KCB_ARCH_RISCV64_RUNTIME_CONST_H

#define KCB_HAVE_RUNTIME_CONST 1
#define KCB_HAVE_PROJECTED_CONST 0
#define KCB_RC_SITE_BYTES 32

#define KCB_RC_SEQUENCE_BASE "lui,lui,addiw,addiw,slli,slli,srli,add"
#define KCB_RC_SEQUENCE_ZBA "lui,lui,addiw,addiw,slli,add.uw,nop,nop"
#define KCB_RC_SEQUENCE_ZBKB "lui,lui,addiw,addiw,pack,nop,nop,nop"

/* placeholder 0x0123456789abcdef: ret gets the low half, tmp the high */
#define KCB_RC_RISCV_PREAMBLE                                                         \
	".option push\n\t"                                                            \
	".option norvc\n\t"                                                           \
	"1:\tlui %[ret], 0x89abd\n\t"                                                 \
	"lui %[tmp], 0x1234\n\t"                                                      \
	"addiw %[ret], %[ret], -0x211\n\t"                                            \
	"addiw %[tmp], %[tmp], 0x567\n\t"
#define KCB_RC_RISCV_BASE                                                             \
	"slli %[tmp], %[tmp], 32\n\t"                                                 \
	"slli %[ret], %[ret], 32\n\t"                                                 \
	"srli %[ret], %[ret], 32\n\t"                                                 \
	"add %[ret], %[ret], %[tmp]\n\t"
#define KCB_RC_RISCV_ZBA                                                              \
	".option arch, +zba\n\t"                                                      \
	"slli %[tmp], %[tmp], 32\n\t"                                                 \
	"add.uw %[ret], %[ret], %[tmp]\n\t"                                           \
	"nop\n\tnop\n\t"
#define KCB_RC_RISCV_ZBKB                                                             \
	".option arch, +zbkb\n\t"                                                     \
	"pack %[ret], %[ret], %[tmp]\n\t"                                             \
	"nop\n\tnop\n\tnop\n\t"
#define KCB_RC_RISCV_POST(sym)                                                        \
	".option pop\n\t"                                                             \
	KCB_SITE_RECORD("runtime_ptr_" #sym, "1b")

#define kcb_rc_ptr_form(sym, form)                                                    \
	({                                                                            \
		__typeof__(sym) __ret, __tmp;                                         \
		__asm__(KCB_RC_RISCV_PREAMBLE form KCB_RC_RISCV_POST(sym)             \
			: [ret] "=&r"(__ret), [tmp] "=&r"(__tmp));                    \
		(void)__tmp;                                                          \
		__ret;                                                                \
	})
#define kcb_rc_ptr_base(sym) kcb_rc_ptr_form(sym, KCB_RC_RISCV_BASE)
#define kcb_rc_ptr_zba(sym) kcb_rc_ptr_form(sym, KCB_RC_RISCV_ZBA)
#define kcb_rc_ptr_zbkb(sym) kcb_rc_ptr_form(sym, KCB_RC_RISCV_ZBKB)

#if defined(KCB_RC_FORM_ZBA)
#define KCB_RC_SEQUENCE KCB_RC_SEQUENCE_ZBA
#define runtime_const_ptr(sym) kcb_rc_ptr_zba(sym)
#elif defined(KCB_RC_FORM_ZBKB)
#define KCB_RC_SEQUENCE KCB_RC_SEQUENCE_ZBKB
#define runtime_const_ptr(sym) kcb_rc_ptr_zbkb(sym)
#else
#define KCB_RC_SEQUENCE KCB_RC_SEQUENCE_BASE
#define runtime_const_ptr(sym) kcb_rc_ptr_base(sym)
#endif

#include "../generic/runtime_const.h"

#endif
