/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calibration references (bench/METHOD.md) on an arch whose add and
 * mul take three registers (arm64, riscv64): a register-register add (1
 * cycle; no core folds it at rename) and a multiply (KCB_MUL_LATENCY
 * cycles, 3 unless the arch says otherwise; a core where it is not makes
 * the references disagree, and the run then refuses calibrated cycles).
 */
#ifndef KCB_ARCH_GENERIC_REF_CHAINS_RRR_H
#define KCB_ARCH_GENERIC_REF_CHAINS_RRR_H

#include <stdint.h>

#define KCB_HAVE_REF_CHAINS 1
#ifndef KCB_MUL_LATENCY
#define KCB_MUL_LATENCY 3
#endif
static inline uintptr_t kcb_reg_add(uintptr_t x, uintptr_t y)
{
	__asm__("add %0, %0, %1" : "+r"(x) : "r"(y));
	return x;
}
static inline uintptr_t kcb_reg_mul(uintptr_t x, uintptr_t y)
{
	__asm__("mul %0, %0, %1" : "+r"(x) : "r"(y));
	return x;
}

#endif
