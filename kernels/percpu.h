/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU machinery of the model, in user space (private to kernels/; the
 * state and the out-of-line parts are kernels/percpu.cpp).
 *
 * The kernel's __percpu pointer names a slot in the per-CPU template; adding
 * the running CPU's offset gives that CPU's copy.  Here the areas are one
 * static array: unit 0 is the template (made PROT_NONE, so a missing offset
 * faults), unit c+1 is CPU c.  The offset comes from local-exec TLS, as
 * %gs:this_cpu_off gives it in the kernel.  Where arch/<dir>/cpu.h defines
 * KCB_PERCPU_OFFSET_REG (arm64: x28 for tpidr_el1) it is read from that
 * register, no load; where it sets KCB_PERCPU_OFFSET_TABLE to 1 (riscv64:
 * asm-generic per-cpu) it is kcb_per_cpu_offset[cpu] with cpu read through
 * tp: two dependent loads.
 *
 * preempt count, need_resched and the "irqs disabled" flag are TLS too.
 * Where cpu.h defines KCB_PREEMPT_FOLD (x86: 32, arm64: 64) need_resched
 * is folded into the count word, inverted, as the arch's asm/preempt.h
 * does; elsewhere the generic separate flag (asm-generic/preempt.h).  The
 * form is the arch's, so both configs have it (asm/preempt.h does not
 * depend on .config).  kcb_need_resched stays TIF_NEED_RESCHED.
 */
#ifndef KCB_PERCPU_H
#define KCB_PERCPU_H

#include <stddef.h>
#include <stdint.h>

#if __has_include("cpu.h")
#include "cpu.h"
#endif

#define KCB_NR_CPUS 4
#define KCB_PCPU_UNIT_SIZE (256u << 10)
/* the per-cpu tid stride of a distro config (NR_CPUS=8192, PREEMPTION=y) */
#define KCB_TID_STEP 8192ul

/*
 * Local-exec TLS: a fixed offset from the thread pointer, as the kernel's
 * per-CPU base.  On x86-64 a this_cpu op is then one %fs:-prefixed
 * instruction (addl $1,%fs:sym@tpoff), the kernel's %gs:sym form; relaxed
 * initial-exec would put the offset in a register first (mov $-8,%r12;
 * addl $1,%fs:(%r12)), and riscv64/mips64el linkers do not relax IE at all.
 */
#define KCB_TLS __thread __attribute__((tls_model("local-exec")))
#define kcb_likely(x) __builtin_expect(!!(x), 1)
#define kcb_unlikely(x) __builtin_expect(!!(x), 0)
#define kcb_barrier() __asm__ __volatile__("" ::: "memory")
#define KCB_READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define KCB_WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#if defined(KCB_PREEMPT_FOLD) && KCB_PREEMPT_FOLD == 64
typedef uint64_t kcb_preempt_t;
#define KCB_PREEMPT_NEED_RESCHED (1ull << 32)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the count is the low word");
#elif defined(KCB_PREEMPT_FOLD) && KCB_PREEMPT_FOLD == 32
typedef uint32_t kcb_preempt_t;
#define KCB_PREEMPT_NEED_RESCHED (1u << 31)
#else
typedef int kcb_preempt_t;
#define KCB_PREEMPT_NEED_RESCHED 0
#endif
/* PREEMPT_ENABLED: count 0, no reschedule pending */
#define KCB_PREEMPT_ENABLED ((kcb_preempt_t)KCB_PREEMPT_NEED_RESCHED)

extern "C" {
extern KCB_TLS unsigned long kcb_this_cpu_off;
extern KCB_TLS unsigned int kcb_cpu_number;
extern KCB_TLS kcb_preempt_t kcb_preempt_count;
extern KCB_TLS unsigned char kcb_need_resched;
extern KCB_TLS unsigned char kcb_irqs_disabled;
extern KCB_TLS int kcb_numa_mem_id;
extern unsigned long kcb_per_cpu_offset[KCB_NR_CPUS];

/* out of line, as the kernel's preempt_schedule() and cond_resched() */
void kcb_preempt_schedule(void);
void kcb_cond_resched(void);
/* calls of kcb_preempt_schedule() (tests) */
extern unsigned long kcb_nr_preempt_schedule;

/* Allocate `size` bytes of per-CPU memory; returns the __percpu address. */
void *kcb_alloc_percpu(size_t size, size_t align);
/* Per-CPU address of `pcp` on a given CPU (set-up and tests). */
void *kcb_per_cpu_ptr(const void *pcp, unsigned int cpu);
/* Run the calling thread as `cpu` from now on (tests). */
void kcb_set_cpu(unsigned int cpu);
/* preempt_count() without the folded need_resched bit */
unsigned int kcb_preempt_count_get(void);
/* set_tsk_need_resched() + set_preempt_need_resched(): what resched_curr()
 * and its IPI do to the running task (tests) */
void kcb_set_need_resched(void);
}

static inline __attribute__((always_inline)) unsigned long kcb_my_cpu_offset(void)
{
#if defined(KCB_PERCPU_OFFSET_REG)
	return kcb_arch_my_cpu_offset();
#elif defined(KCB_PERCPU_OFFSET_TABLE) && KCB_PERCPU_OFFSET_TABLE
	return kcb_per_cpu_offset[kcb_cpu_number];
#else
	return kcb_this_cpu_off;
#endif
}

/* this_cpu_ptr(): __percpu address + this CPU's offset */
template <class T> static inline __attribute__((always_inline)) T *kcb_this_cpu_ptr(T *pcp)
{
	return (T *)((uintptr_t)pcp + kcb_my_cpu_offset());
}

static inline __attribute__((always_inline)) void kcb_preempt_disable(void)
{
#if defined(KCB_PREEMPT_FOLD) && KCB_PREEMPT_FOLD == 64
	/* arm64 __preempt_count_add(): a 32-bit update of the count word */
	uint32_t *count = (uint32_t *)&kcb_preempt_count;
	KCB_WRITE_ONCE(*count, KCB_READ_ONCE(*count) + 1);
#else
	kcb_preempt_count++;
#endif
	kcb_barrier();
}

#if defined(KCB_PREEMPT_FOLD)
/* __preempt_count_dec_and_test(): the count drops to 0 with a reschedule
 * pending */
static inline __attribute__((always_inline)) bool kcb_preempt_count_dec_and_test(void)
{
#if KCB_PREEMPT_FOLD == 64
	/* arm64: store the count word only, test the whole; reload if not 0,
	 * since an interrupt may have cleared need_resched in between */
	uint64_t pc = KCB_READ_ONCE(kcb_preempt_count);
	KCB_WRITE_ONCE(*(uint32_t *)&kcb_preempt_count, (uint32_t)--pc);
	return !pc || !KCB_READ_ONCE(kcb_preempt_count);
#else
	return kcb_arch_preempt_dec_and_test(&kcb_preempt_count); /* x86: decl; jz */
#endif
}
#endif

static inline __attribute__((always_inline)) void kcb_preempt_enable(void)
{
	kcb_barrier();
#if defined(KCB_PREEMPT_FOLD)
	if (kcb_unlikely(kcb_preempt_count_dec_and_test()))
#else
	/* asm-generic: the count drops to 0, then TIF_NEED_RESCHED is read */
	if (kcb_unlikely(--kcb_preempt_count == 0 && KCB_READ_ONCE(kcb_need_resched)))
#endif
		kcb_preempt_schedule();
}

static inline __attribute__((always_inline)) unsigned char kcb_local_irq_save(void)
{
	unsigned char flags = kcb_irqs_disabled;
	kcb_irqs_disabled = 1;
	kcb_barrier();
	return flags;
}

static inline __attribute__((always_inline)) void kcb_local_irq_restore(unsigned char flags)
{
	kcb_barrier();
	kcb_irqs_disabled = flags;
}

/* local_trylock_t without lockdep: one byte */
struct kcb_local_trylock {
	uint8_t acquired;
};

/* local_trylock(): preempt off, test the byte, set it.  No atomics. */
static inline __attribute__((always_inline)) bool kcb_local_trylock(struct kcb_local_trylock *lock)
{
	kcb_preempt_disable();
	struct kcb_local_trylock *tl = kcb_this_cpu_ptr(lock);
	if (KCB_READ_ONCE(tl->acquired)) {
		kcb_preempt_enable();
		return false;
	}
	KCB_WRITE_ONCE(tl->acquired, 1);
	return true;
}

static inline __attribute__((always_inline)) void kcb_local_unlock(struct kcb_local_trylock *lock)
{
	struct kcb_local_trylock *tl = kcb_this_cpu_ptr(lock);
	KCB_WRITE_ONCE(tl->acquired, 0);
	kcb_preempt_enable();
}

/* The double word of struct kmem_cache_cpu (freelist_aba_t). */
struct alignas(2 * sizeof(void *)) kcb_freelist_tid {
	void *freelist;
	unsigned long tid;
};

/*
 * this_cpu_try_cmpxchg of {freelist, tid}.  With the arch's double-word
 * cmpxchg (cpu.h: KCB_HAVE_CMPXCHG_DOUBLE 1, kcb_cmpxchg_double_local(
 * uintptr_t *p, old0, old1, new0, new1) -> bool) it is that instruction on
 * this CPU's copy;
 * x86 needs no preempt guard (one %gs: instruction), other arches wrap it in
 * preempt off/on as the kernel's _pcp_protect does.  Otherwise the generic
 * fallback: irqs off, compare both words, two stores, irqs back.
 */
static inline __attribute__((always_inline)) bool
kcb_this_cpu_cmpxchg_freelist(struct kcb_freelist_tid *pcp, void *old_fl, unsigned long old_tid,
			      void *new_fl, unsigned long new_tid)
{
#if defined(KCB_HAVE_CMPXCHG_DOUBLE) && KCB_HAVE_CMPXCHG_DOUBLE
#if defined(__x86_64__) || defined(__i386__)
	return kcb_cmpxchg_double_local((uintptr_t *)kcb_this_cpu_ptr(pcp), (uintptr_t)old_fl,
					old_tid, (uintptr_t)new_fl, new_tid);
#else
	kcb_preempt_disable();
	bool ok = kcb_cmpxchg_double_local((uintptr_t *)kcb_this_cpu_ptr(pcp), (uintptr_t)old_fl,
					   old_tid, (uintptr_t)new_fl, new_tid);
	kcb_preempt_enable();
	return ok;
#endif
#else
	unsigned char flags = kcb_local_irq_save();
	struct kcb_freelist_tid *p = kcb_this_cpu_ptr(pcp);
	bool ok = p->freelist == old_fl && p->tid == old_tid;
	if (ok) {
		p->freelist = new_fl;
		p->tid = new_tid;
	}
	kcb_local_irq_restore(flags);
	return ok;
#endif
}

#endif /* KCB_PERCPU_H */
