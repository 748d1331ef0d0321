/* SPDX-License-Identifier: GPL-2.0 */
/*
 * armhf CPU helpers.
 * Counter: clock_gettime(CLOCK_MONOTONIC) in ns.  On armv7 the generic
 * timer's cntvct is not guaranteed to be readable from user space (it
 * depends on the SoC and on the kernel enabling it), and the PMU cycle
 * counter normally traps at PL0: so the only dependable source is the vDSO
 * clock, whose resolution and call overhead are far coarser than a cycle.
 */
#ifndef KCB_ARCH_ARMHF_CPU_H
#define KCB_ARCH_ARMHF_CPU_H

#include <stdint.h>
#define KCB_TICKS_DESC "clock_gettime(CLOCK_MONOTONIC): ns, coarse; no user-space cycle counter on armv7"

/* 0, data-dependent on x: AND with #0. */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("and %0, %0, #0" : "+r"(x));
	return x;
}

/* Cache maintenance by VA is privileged on armv7: no flush (arch/generic/cpu.h). */

/* 64-bit this_cpu cmpxchg of {freelist, tid} on a 32-bit arch: an
 * ldrexd/strexd pair (word 0 = freelist is the low word, little-endian).
 * No barriers: a per-cpu op. */
#define KCB_HAVE_CMPXCHG_DOUBLE 1
#define KCB_CMPXCHG_DOUBLE_INSN "ldrexd/strexd"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	uint64_t o = (uint64_t)o2 << 32 | o1, n = (uint64_t)n2 << 32 | n1, cur;
	uint32_t fail;
	__asm__ __volatile__("1:\tldrexd %0, %H0, [%3]\n\t"
			     "cmp %0, %4\n\t"
			     "it eq\n\t"
			     "cmpeq %H0, %H4\n\t"
			     "bne 2f\n\t"
			     "strexd %1, %5, %H5, [%3]\n\t"
			     "cmp %1, #0\n\t"
			     "bne 1b\n"
			     "2:"
			     : "=&r"(cur), "=&r"(fail), "+m"(*(uint64_t *)p)
			     : "r"(p), "r"(o), "r"(n)
			     : "cc");
	return cur == o;
}

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "a TLS load (mrc tpidruro + ldr): the kernel reads TPIDRPRW (mrc, no load): one load more than the kernel"

#include "../generic/cpu.h"

#endif
