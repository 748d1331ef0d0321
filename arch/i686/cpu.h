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

#include "../x86/cpu_common.h"

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
	if (__builtin_expect(kcb_have_rdtscp(), 1))
		return kcb_rdtscp_lfence();
	uint32_t lo, hi, b, c;
	__asm__ __volatile__("cpuid\n\trdtsc" : "=a"(lo), "=d"(hi), "=b"(b), "=c"(c) : "a"(0) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* clflush is not in the i686 baseline (CPUID CLFSH): the bench evicts. */

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "%gs: local-exec TLS (the kernel's %fs:this_cpu_off); need_resched folded into the count: decl; jz"

#include "../generic/cpu.h"

#endif
