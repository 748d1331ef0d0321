/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What arch/x86_64/cpu.h and arch/i686/cpu.h share, as Linux shares
 * arch/x86 between its 32- and 64-bit builds: the TSC read, the unknown
 * TSC rate, the dependent zero and the this_cpu double-word cmpxchg.  Each
 * includes this first, then defines what differs (KCB_TICKS_DESC, whether
 * RDTSCP may be missing, clflush, the execution gate) and includes
 * arch/generic/cpu.h last for the rest.
 */
#ifndef KCB_ARCH_X86_CPU_COMMON_H
#define KCB_ARCH_X86_CPU_COMMON_H

#include <stdint.h>

#define KCB_TICKS_UNIT "tsc-ticks"

/* rdtscp waits for earlier instructions to execute; the lfence keeps later
 * ones from starting. */
static inline uint64_t kcb_rdtscp_lfence(void)
{
	uint32_t lo, hi, aux;
	__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The TSC rate is not exposed to user space in a portable way: unknown. */
static inline uint64_t kcb_ticks_hz(void) { return 0; }

/* 0, data-dependent on x: `and $0` (not xor/sub, which the CPU treats as
 * a dependency-breaking zeroing idiom).  The register gives the size: andq
 * on x86-64, andl on i686. */
static inline uintptr_t kcb_dep_zero(uintptr_t x)
{
	__asm__("and $0, %0" : "+r"(x) : : "cc");
	return x;
}

/* this_cpu cmpxchg of the classic cpu_slab {freelist, tid}, two words:
 * cmpxchg16b / cmpxchg8b without the lock prefix, since the per-cpu op only
 * races with this CPU. */
#ifdef __x86_64__
#define KCB_X86_CMPXCHG_DOUBLE "cmpxchg16b"
typedef unsigned __int128 kcb_x86_double_word;
#else
#define KCB_X86_CMPXCHG_DOUBLE "cmpxchg8b"
typedef uint64_t kcb_x86_double_word;
#endif
#define KCB_HAVE_CMPXCHG_DOUBLE 1
#define KCB_CMPXCHG_DOUBLE_INSN KCB_X86_CMPXCHG_DOUBLE " (no lock prefix, this_cpu)"
static inline bool kcb_cmpxchg_double_local(uintptr_t *p, uintptr_t o1, uintptr_t o2,
					    uintptr_t n1, uintptr_t n2)
{
	bool ok;
	__asm__ __volatile__(KCB_X86_CMPXCHG_DOUBLE " %1"
			     : "=@ccz"(ok), "+m"(*(kcb_x86_double_word *)p), "+a"(o1), "+d"(o2)
			     : "b"(n1), "c"(n2));
	return ok;
}

/*
 * preempt_count folds need_resched into bit 31 (inverted) as arch/x86/
 * include/asm/preempt.h, so preempt_enable is one decl of the per-CPU count
 * (here %fs:, the kernel's %gs:) and a jz: the kernel's
 * __preempt_count_dec_and_test.
 */
#define KCB_PREEMPT_FOLD 32
static inline __attribute__((always_inline)) bool kcb_arch_preempt_dec_and_test(uint32_t *count)
{
	bool zero;
	__asm__ __volatile__("decl %0" : "+m"(*count), "=@ccz"(zero) : : "memory");
	return zero;
}

/* Calibration references (bench/METHOD.md): a register-register add
 * (1 cycle; unlike add-immediate, no core folds it at rename) and imul
 * (3 cycles on x86 cores since Nehalem / K10). */
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

#endif /* KCB_ARCH_X86_CPU_COMMON_H */
