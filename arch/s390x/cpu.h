/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s390x CPU helpers.
 * Counter: stckf, the TOD clock.  Bit 51 ticks once per microsecond, so one
 * unit of the 64-bit value is 1/4096 us (4.096 GHz nominal), but the clock
 * is a time base, not the core's cycle counter; stckf is the fast,
 * non-serialising form (no ordering beyond program order).
 */
#ifndef KCB_ARCH_S390X_CPU_H
#define KCB_ARCH_S390X_CPU_H

#include <stdint.h>

#define KCB_TICKS_UNIT "timer-ticks"
#define KCB_TICKS_DESC "stckf: TOD clock, 1/4096 us units, not core cycles"

static inline uint64_t kcb_ticks(void)
{
	uint64_t t;
	__asm__ __volatile__("stckf %0" : "=Q"(t) : : "cc", "memory");
	return t;
}

static inline uint64_t kcb_ticks_hz(void) { return 4096000000ull; }

/* 0, data-dependent on x: AND with a register holding 0 (the zero is
 * materialised once, off the chain). */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("ngr %0, %1" : "+d"(x) : "d"((uintptr_t)0) : "cc");
	return x;
}

/* No user-space cache-line flush instruction. */

/* this_cpu_cmpxchg128 of {freelist, tid}: cdsg on an even/odd register
 * pair.  Big-endian: word 0 (freelist) is the high doubleword. */
#define KCB_HAVE_CMPXCHG_DOUBLE 1
#define KCB_CMPXCHG_DOUBLE_INSN "cdsg"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	unsigned __int128 o = (unsigned __int128)o1 << 64 | o2;
	unsigned __int128 n = (unsigned __int128)n1 << 64 | n2;
	unsigned __int128 want = o;
	__asm__ __volatile__("cdsg %0, %2, %1"
			     : "+d"(o), "+QS"(*(unsigned __int128 *)p)
			     : "d"(n)
			     : "cc");
	return o == want;
}

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "a TLS load through the access registers (ear): the kernel loads percpu_offset from lowcore at an absolute low address, which user space cannot map (vm.mmap_min_addr): the same one load, three more register instructions"

#include "../generic/cpu.h"

#endif
