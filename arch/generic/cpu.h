/* SPDX-License-Identifier: GPL-2.0 */
/*
 * asm-generic fallbacks for arch/<arch>/cpu.h, which includes this last:
 * whatever the arch did not define gets the portable version here.
 *   - no user-space counter (KCB_TICKS_UNIT undefined): clock_gettime ns;
 *   - no user-space cache flush by address: KCB_HAVE_FLUSH_LINE 0, and the
 *     bench evicts with a buffer instead;
 *   - no double-word this_cpu cmpxchg: the model uses the kernel's generic
 *     irq-off compare-and-store;
 *   - no execution gate (KCB_HAVE_EXEC_GATE 0): a compiler barrier only;
 *     the bench then keeps the latency chain busy with a pad instead;
 *   - no calibration reference chains in asm: plain C on operands the
 *     compiler cannot see (a register-register add and multiply on every
 *     ISA this project builds), multiply assumed 3 cycles.
 */
#ifndef KCB_ARCH_GENERIC_CPU_H
#define KCB_ARCH_GENERIC_CPU_H

#include <stdint.h>

#ifndef KCB_TICKS_UNIT
#include <time.h>
#define KCB_TICKS_UNIT "ns"
#ifndef KCB_TICKS_DESC
#define KCB_TICKS_DESC "clock_gettime(CLOCK_MONOTONIC): ns; no user-space cycle counter"
#endif
static inline uint64_t kcb_ticks(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
static inline uint64_t kcb_ticks_hz(void) { return 1000000000ull; }
#endif

#ifndef KCB_HAVE_FLUSH_LINE
#define KCB_HAVE_FLUSH_LINE 0
static inline void kcb_flush_line(const void *p) { (void)p; }
#endif

#ifndef KCB_PERCPU_DESC
#define KCB_PERCPU_DESC "a local-exec TLS word: one load"
#endif

#ifndef KCB_HAVE_EXEC_GATE
#define KCB_HAVE_EXEC_GATE 0
#define KCB_EXEC_GATE_INSN "none (compiler barrier only)"
static inline uintptr_t kcb_exec_gate(uintptr_t v)
{
	__asm__ __volatile__("" : "+r"(v) : : "memory");
	return v;
}
static inline uintptr_t kcb_exec_gate_drained(uintptr_t v)
{
	return kcb_exec_gate(v);
}
#endif

#ifndef KCB_HAVE_REF_CHAINS
#define KCB_HAVE_REF_CHAINS 0
#define KCB_MUL_LATENCY 3
static inline uintptr_t kcb_reg_add(uintptr_t x, uintptr_t y)
{
	__asm__("" : "+r"(y));
	x += y;
	__asm__("" : "+r"(x));
	return x;
}
static inline uintptr_t kcb_reg_mul(uintptr_t x, uintptr_t y)
{
	__asm__("" : "+r"(y));
	x *= y;
	__asm__("" : "+r"(x));
	return x;
}
#endif

#ifndef KCB_HAVE_CMPXCHG_DOUBLE
#define KCB_HAVE_CMPXCHG_DOUBLE 0
#define KCB_CMPXCHG_DOUBLE_INSN "generic (irq-off compare and store)"
#endif

#endif
