/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mips64el CPU helpers.
 * Counter: clock_gettime(CLOCK_MONOTONIC) in ns.  The cycle counter
 * (rdhwr $2, CP0 Count) ticks at half the pipeline clock on most cores
 * (CCRes), and user-space access depends on the kernel enabling it in
 * HWREna; otherwise rdhwr traps and is emulated, which is slow.  So the
 * dependable source is the vDSO clock: ns, far coarser than a cycle.
 */
#ifndef KCB_ARCH_MIPS64EL_CPU_H
#define KCB_ARCH_MIPS64EL_CPU_H

#include <stdint.h>
#define KCB_TICKS_DESC "clock_gettime(CLOCK_MONOTONIC): ns, coarse; rdhwr $2 is cycles/2 and often trapped"

/* 0, data-dependent on x: AND with the zero register. */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("and %0, %0, $0" : "+r"(x));
	return x;
}

/* The cache instruction is privileged: no flush (arch/generic/cpu.h). */

/* No double-word CAS (the kernel's mips has no cmpxchg128): arch/generic/cpu.h. */

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "a TLS load (rdhwr $29 + ld): the kernel loads __per_cpu_offset[cpu] with cpu from thread_info ($28): one load fewer than the kernel"

#include "../generic/cpu.h"

#endif
