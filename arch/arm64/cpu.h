/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 CPU helpers.
 * Counter: isb; mrs cntvct_el0, the generic timer's virtual count.  Linux
 * lets EL0 read it.  It runs at cntfrq_el0 (often 24-100 MHz, 1 GHz on
 * Armv8.6+), far below the core clock: one tick spans many cycles, so it
 * only serves as a coarse time base.  The isb keeps the read in order.
 */
#ifndef KCB_ARCH_ARM64_CPU_H
#define KCB_ARCH_ARM64_CPU_H

#include <stdint.h>

#define KCB_TICKS_UNIT "timer-ticks"
#define KCB_TICKS_DESC "isb+cntvct_el0: generic timer at cntfrq_el0, not core cycles"

static inline uint64_t kcb_ticks(void)
{
	uint64_t t;
	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
}

static inline uint64_t kcb_ticks_hz(void)
{
	uint64_t f;
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

/* 0, data-dependent on x: AND with the zero register. */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("and %0, %0, xzr" : "+r"(x));
	return x;
}

/* Execution gate (latency scenario): dsb waits until every earlier memory
 * access, the pointer load included, has completed; isb then refetches, so
 * nothing later has started.  v as an operand orders its computation. */
#define KCB_HAVE_EXEC_GATE 1
#define KCB_EXEC_GATE_INSN "dsb nsh; isb"
static inline uintptr_t kcb_exec_gate(uintptr_t v)
{
	__asm__ __volatile__("dsb nsh\n\tisb" : "+r"(v) : : "memory");
	return v;
}

/* dsb already waits for the stores too */
static inline uintptr_t kcb_exec_gate_drained(uintptr_t v)
{
	return kcb_exec_gate(v);
}

/* dc civac is allowed at EL0 on Linux (SCTLR_EL1.UCI set). */
#define KCB_HAVE_FLUSH_LINE 1
static inline void kcb_flush_line(const void *p)
{
	__asm__ __volatile__("dc civac, %0\n\tdsb ish" : : "r"(p) : "memory");
}

/* this_cpu_cmpxchg128 of {freelist, tid}, as the kernel's cmpxchg128_local:
 * LSE casp where the build targets LSE (armv8.1-a and later: the
 * toolchain's -march), else the LL/SC ldxp/stxp pair every armv8 has.  No
 * barriers: a per-cpu op.  casp wants even/odd register pairs, hence the
 * fixed registers, as in arch/arm64/include/asm/atomic_lse.h. */
#define KCB_HAVE_CMPXCHG_DOUBLE 1
#if defined(__ARM_FEATURE_ATOMICS)
#define KCB_CMPXCHG_DOUBLE_INSN "casp (LSE)"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	register uintptr_t x0 __asm__("x0") = o1;
	register uintptr_t x1 __asm__("x1") = o2;
	register uintptr_t x2 __asm__("x2") = n1;
	register uintptr_t x3 __asm__("x3") = n2;
	__asm__ __volatile__("casp %0, %1, %3, %4, %2"
			     : "+&r"(x0), "+&r"(x1), "+Q"(*(unsigned __int128 *)p)
			     : "r"(x2), "r"(x3));
	return x0 == o1 && x1 == o2;
}
#else
#define KCB_CMPXCHG_DOUBLE_INSN "ldxp/stxp (LL/SC; the kernel uses LSE casp where the CPU has it)"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	uintptr_t c1, c2;
	uint32_t fail;
	__asm__ __volatile__("1:\tldxp %0, %1, %3\n\t"
			     "cmp %0, %4\n\t"
			     "ccmp %1, %5, #0, eq\n\t"
			     "b.ne 2f\n\t"
			     "stxp %w2, %6, %7, %3\n\t"
			     "cbnz %w2, 1b\n"
			     "2:"
			     : "=&r"(c1), "=&r"(c2), "=&r"(fail), "+Q"(*(unsigned __int128 *)p)
			     : "r"(o1), "r"(o2), "r"(n1), "r"(n2)
			     : "cc");
	return c1 == o1 && c2 == o2;
}
#endif

/*
 * The per-CPU offset without a memory load.  The kernel reads it from
 * tpidr_el1 (mrs; add); EL0 has no such register to spare (tpidr_el0 is
 * the TLS pointer), so x28 stands in for it: every file of the project is
 * built with -ffixed-x28 (toolchains/aarch64-linux-gnu.cmake), so our code
 * never allocates it, and x28 is callee-saved in AAPCS64, so libc and every
 * other library keep it across a call.  Only code entered from such a
 * library (main, libbenchmark's callbacks) must set it first and give the
 * caller's value back: kcb_percpu_enter()/kcb_percpu_leave() in
 * kernels/percpu.cpp.  The read is a register move where the kernel has
 * its mrs; volatile, so it is not cached across a compiler barrier
 * (preempt_disable), which the kernel gets from a memory input on the
 * stack (here that input cost a `mov xN, sp`).
 */
#define KCB_PERCPU_OFFSET_REG "x28"
static inline __attribute__((always_inline)) unsigned long kcb_arch_my_cpu_offset(void)
{
	unsigned long off;
	__asm__ __volatile__("mov %0, x28" : "=r"(off));
	return off;
}

static inline __attribute__((always_inline)) void kcb_arch_set_cpu_offset(unsigned long off)
{
	__asm__ __volatile__("mov x28, %0" : : "r"(off) : "memory");
}

/*
 * preempt_count folds need_resched into its upper word (64-bit count,
 * PREEMPT_NEED_RESCHED = bit 32, inverted) as arch/arm64/include/asm/
 * preempt.h: preempt_enable is ldr x; sub; str w; cbz x, and a reload.
 */
#define KCB_PREEMPT_FOLD 64

/* Calibration references: reg-reg add, and mul (3 cycles on Cortex-A7x/X, Neoverse V, Apple) */
#include "../generic/ref_chains_rrr.h"

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "x28 held fixed (-ffixed-x28) where the kernel reads tpidr_el1: no load; 64-bit preempt count, need_resched its upper word"

#include "../generic/cpu.h"

#endif
