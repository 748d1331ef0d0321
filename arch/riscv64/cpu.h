/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 CPU helpers.
 * Counter: rdtime, the platform timer (mtime, e.g. 10 MHz on QEMU virt,
 * 1 MHz / 24 MHz on common boards), far below the core clock: not cycles.
 * rdcycle is not used: since Linux 6.6 it traps in user space unless
 * perf allows it (sysctl perf_user_access), so it is not dependable.
 */
#ifndef KCB_ARCH_RISCV64_CPU_H
#define KCB_ARCH_RISCV64_CPU_H

#include <stdint.h>

#define KCB_TICKS_UNIT "timer-ticks"
#define KCB_TICKS_DESC "rdtime: platform timer (timebase-frequency), not core cycles"

static inline uint64_t kcb_ticks(void)
{
	uint64_t t;
	__asm__ __volatile__("rdtime %0" : "=r"(t) : : "memory");
	return t;
}

/* The timebase is only in the device tree: unknown here. */
static inline uint64_t kcb_ticks_hz(void) { return 0; }

/* 0, data-dependent on x: andi with 0 (li/mv would break the chain). */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("andi %0, %0, 0" : "+r"(x));
	return x;
}

/* No user-space cache-line flush without Zicbom (and kernel enablement). */

/* No double-word CAS without Zacas: the model uses the kernel's generic
 * fallback (irq-off compare and store). */

/* The kernel reads __per_cpu_offset[cpu] with cpu found through tp: two
 * dependent loads (x86/arm64/s390 have a per-cpu base register). */
#define KCB_PERCPU_OFFSET_TABLE 1

/* Calibration references: reg-reg add, and mul (3 cycles on SiFive U7x/P5x, T-Head C9xx) */
#include "../generic/ref_chains_rrr.h"

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "__per_cpu_offset[cpu], cpu through tp: two dependent loads, as the kernel (asm-generic)"

#include "../generic/cpu.h"

#endif
