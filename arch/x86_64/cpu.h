/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 CPU helpers for the harness and the model.
 * Counter: rdtscp + lfence.  The TSC ticks at a constant reference rate on
 * every CPU since Nehalem / Barcelona ("invariant TSC"), not at the core
 * clock: with turbo or power saving, ticks != core cycles.
 */
#ifndef KCB_ARCH_X86_64_CPU_H
#define KCB_ARCH_X86_64_CPU_H

#include <stdint.h>

#include "../x86/cpu_common.h"

#define KCB_TICKS_DESC "rdtscp+lfence: invariant TSC, constant reference rate, not core cycles"

static inline uint64_t kcb_ticks(void) { return kcb_rdtscp_lfence(); }

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

/* how this_cpu ops reach the per-CPU offset (context.percpu, docs/FIDELITY.md) */
#define KCB_PERCPU_DESC "%fs: local-exec TLS, one %fs:-prefixed instruction per this_cpu op (the kernel's %gs:this_cpu_off); need_resched folded into the count: decl; jz"

#include "../generic/cpu.h"

#endif
