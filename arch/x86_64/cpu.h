/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 CPU helpers for the harness and the model.
 * Counter: rdtscp + lfence.  The TSC ticks at a constant reference rate on
 * every CPU since Nehalem / Barcelona ("invariant TSC"), not at the core
 * clock: with turbo or power saving, ticks != core cycles.  rdtscp waits for
 * earlier instructions to execute; the lfence keeps later ones from starting.
 */
#ifndef KCB_ARCH_X86_64_CPU_H
#define KCB_ARCH_X86_64_CPU_H

#include <stdint.h>

#define KCB_TICKS_UNIT "tsc-ticks"
#define KCB_TICKS_DESC "rdtscp+lfence: invariant TSC, constant reference rate, not core cycles"

static inline uint64_t kcb_ticks(void)
{
	uint32_t lo, hi, aux;
	__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The TSC rate is not exposed to user space in a portable way: unknown. */
static inline uint64_t kcb_ticks_hz(void) { return 0; }

/* 0, data-dependent on x: `and $0` (not xor/sub, which the CPU treats as
 * a dependency-breaking zeroing idiom). */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("andq $0, %0" : "+r"(x) : : "cc");
	return x;
}

/* Execution gate (latency scenario): lfence does not execute until every
 * earlier instruction has completed locally, and no later one starts before
 * it (AMD: with the dispatch-serialising MSR bit Linux sets).  v as an
 * operand keeps the compiler from moving v's computation across it.  The
 * gate starts a 64-byte line, so the code after it has the same alignment
 * in every variant (on Zen 4 one layout cost sheaves' op 3 cycles).  A jmp
 * skips the padding: executed, its nops cost the variant with more of them
 * a cycle (Zen 5: four 11-byte nops before the gate, +1.0 cycle), so every
 * variant runs the same "jmp; lfence" whatever its length. */
#define KCB_HAVE_EXEC_GATE 1
#define KCB_EXEC_GATE_INSN "lfence"
static inline uintptr_t kcb_exec_gate(uintptr_t v)
{
	__asm__ __volatile__("jmp 1f\n\t.p2align 6\n1:\tlfence" : "+r"(v) : : "memory");
	return v;
}

/* The gate after the store buffer has drained (mfence): no store of the
 * previous op is still in flight to delay the pointer load, or be predicted
 * to alias it. */
static inline uintptr_t kcb_exec_gate_drained(uintptr_t v)
{
	__asm__ __volatile__(".p2align 6\n\tmfence\n\tlfence" : "+r"(v) : : "memory");
	return v;
}

#define KCB_HAVE_FLUSH_LINE 1
static inline void kcb_flush_line(const void *p)
{
	__asm__ __volatile__("clflush %0\n\tmfence" : : "m"(*(const volatile char *)p) : "memory");
}

/* this_cpu_cmpxchg128 of the classic cpu_slab {freelist, tid}: cmpxchg16b
 * without the lock prefix, since the per-cpu op only races with this CPU. */
#define KCB_HAVE_CMPXCHG_DOUBLE 1
#define KCB_CMPXCHG_DOUBLE_INSN "cmpxchg16b (no lock prefix, this_cpu)"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	bool ok;
	__asm__ __volatile__("cmpxchg16b %1"
			     : "=@ccz"(ok), "+m"(*(unsigned __int128 *)p), "+a"(o1), "+d"(o2)
			     : "b"(n1), "c"(n2));
	return ok;
}

/* Calibration references (bench/METHOD.md): a register-register add
 * (1 cycle; unlike add-immediate, no core folds it at rename) and imul
 * (3 cycles on x86-64 cores since Nehalem / K10). */
#define KCB_HAVE_REF_CHAINS 1
#define KCB_MUL_LATENCY 3
static inline uintptr_t kcb_reg_add(uintptr_t x, uintptr_t y)
{
	__asm__("add %1, %0" : "+r"(x) : "r"(y) : "cc");
	return x;
}
static inline uintptr_t kcb_reg_mul(uintptr_t x, uintptr_t y)
{
	__asm__("imul %1, %0" : "+r"(x) : "r"(y) : "cc");
	return x;
}

#include "../generic/cpu.h"

#endif
