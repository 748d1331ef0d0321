/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ppc64le CPU helpers.
 * Counter: isync; mftb, the time base (512 MHz on POWER8/9/10), a fixed-rate
 * time base below the core clock: not cycles.  isync keeps the read from
 * moving above earlier instructions.
 */
#ifndef KCB_ARCH_PPC64LE_CPU_H
#define KCB_ARCH_PPC64LE_CPU_H

#include <stdint.h>
#include <sys/platform/ppc.h>

#define KCB_TICKS_UNIT "timer-ticks"
#define KCB_TICKS_DESC "isync+mftb: time base (glibc __ppc_get_timebase_freq), not core cycles"

static inline uint64_t kcb_ticks(void)
{
	uint64_t t;
	__asm__ __volatile__("isync\n\tmftb %0" : "=r"(t) : : "memory");
	return t;
}

static inline uint64_t kcb_ticks_hz(void) { return __ppc_get_timebase_freq(); }

/* 0, data-dependent on x: AND with a register holding 0 (andi. would
 * also write cr0; the zero is materialised once, off the chain). */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("and %0, %0, %1" : "+r"(x) : "r"((uintptr_t)0));
	return x;
}

/* dcbf is allowed in user space, but flush + reload timing through it is
 * not what the kernel's cold case looks like; the bench evicts instead
 * (arch/generic/cpu.h). */

/* The kernel's ppc64 has no this_cpu_cmpxchg128: arch/generic/cpu.h. */

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "a TLS load off r13: the kernel loads paca->data_offset off r13, the same one load"

#include "../generic/cpu.h"

#endif
