/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i686 CPU helpers.
 * Counter: rdtscp + lfence where the CPU has RDTSCP (CPUID 0x80000001
 * EDX bit 27; every such CPU has SSE2's lfence), else cpuid + rdtsc (the
 * i686 baseline has neither).  The TSC ticks at a constant reference rate on
 * modern CPUs, not at the core clock: ticks != core cycles.
 */
#ifndef KCB_ARCH_I686_CPU_H
#define KCB_ARCH_I686_CPU_H

#include <stdint.h>
#include <cpuid.h>

#define KCB_TICKS_UNIT "tsc-ticks"
#define KCB_TICKS_DESC "rdtscp+lfence (cpuid+rdtsc without RDTSCP): TSC, constant reference rate, not core cycles"

static inline bool kcb_have_rdtscp(void)
{
	static int have = -1;
	if (have < 0) {
		unsigned int a, b, c, d;
		have = __get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 27));
	}
	return have;
}

static inline uint64_t kcb_ticks(void)
{
	uint32_t lo, hi, aux;
	if (__builtin_expect(kcb_have_rdtscp(), 1)) {
		__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	} else {
		uint32_t b;
		__asm__ __volatile__("cpuid\n\trdtsc" : "=a"(lo), "=d"(hi), "=b"(b), "=c"(aux)
				     : "a"(0) : "memory");
	}
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t kcb_ticks_hz(void) { return 0; }

/* 0, data-dependent on x: `and $0` (not xor/sub, the zeroing idioms). */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("andl $0, %0" : "+r"(x) : : "cc");
	return x;
}

/* clflush is not in the i686 baseline (CPUID CLFSH): the bench evicts. */

/* 64-bit this_cpu cmpxchg of {freelist, tid}: cmpxchg8b without the lock
 * prefix (per-cpu). */
#define KCB_HAVE_CMPXCHG_DOUBLE 1
#define KCB_CMPXCHG_DOUBLE_INSN "cmpxchg8b (no lock prefix, this_cpu)"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	bool ok;
	__asm__ __volatile__("cmpxchg8b %1"
			     : "=@ccz"(ok), "+m"(*(uint64_t *)p), "+a"(o1), "+d"(o2)
			     : "b"(n1), "c"(n2));
	return ok;
}

#include "../generic/cpu.h"

#endif
