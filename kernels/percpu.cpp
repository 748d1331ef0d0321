// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU state (kernels/percpu.h): the per-CPU areas and offsets, the
 * thread-local stand-ins for %gs:this_cpu_off, the preempt count and the
 * irq flag, the per-CPU allocator, and the out-of-line preempt hooks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "percpu.h"
#include "slab_api.h"

static_assert(KCB_NR_CPUS == 4, "kcb_per_cpu_offset[] below is written for 4 CPUs");

extern "C" {
/* unit 0: the template that __percpu pointers name; unit c+1: CPU c */
alignas(65536) static unsigned char kcb_pcpu_area[(KCB_NR_CPUS + 1) * (size_t)KCB_PCPU_UNIT_SIZE];
unsigned long kcb_per_cpu_offset[KCB_NR_CPUS] = {
	1ul * KCB_PCPU_UNIT_SIZE, 2ul * KCB_PCPU_UNIT_SIZE, 3ul * KCB_PCPU_UNIT_SIZE,
	4ul * KCB_PCPU_UNIT_SIZE};
KCB_TLS unsigned long kcb_this_cpu_off = KCB_PCPU_UNIT_SIZE; /* every thread starts as CPU 0 */
KCB_TLS unsigned int kcb_cpu_number;
KCB_TLS kcb_preempt_t kcb_preempt_count = KCB_PREEMPT_ENABLED;
KCB_TLS unsigned char kcb_need_resched;
KCB_TLS unsigned char kcb_irqs_disabled;
KCB_TLS int kcb_numa_mem_id;

unsigned long kcb_nr_preempt_schedule;
const char kcb_percpu_desc[] = KCB_PERCPU_DESC;
}

static size_t pcpu_used = 64; /* offset 0 stays unused */
static bool pcpu_template_protected;

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer reads every global at exit, the PROT_NONE template too,
 * and faults on it: the template becomes readable again just before (an
 * atexit handler registered after the sanitizer's runs before it).  Only
 * the template's protection changes, and only at exit. */
static void pcpu_template_readable(void)
{
	mprotect(kcb_pcpu_area, KCB_PCPU_UNIT_SIZE, PROT_READ);
}
#endif

void *kcb_alloc_percpu(size_t size, size_t align)
{
	if (!pcpu_template_protected) {
		/* a __percpu pointer dereferenced without an offset must fault */
		if (mprotect(kcb_pcpu_area, KCB_PCPU_UNIT_SIZE, PROT_NONE) != 0)
			fprintf(stderr, "kcache-bench: note: per-cpu template not protected: %s\n",
				strerror(errno));
#if defined(__SANITIZE_ADDRESS__)
		atexit(pcpu_template_readable);
#endif
		pcpu_template_protected = true;
	}
	size_t off = (pcpu_used + align - 1) & ~(align - 1);
	if (off + size > KCB_PCPU_UNIT_SIZE)
		return nullptr;
	pcpu_used = off + size;
	return kcb_pcpu_area + off;
}

void *kcb_per_cpu_ptr(const void *pcp, unsigned int cpu)
{
	return (void *)((uintptr_t)pcp + kcb_per_cpu_offset[cpu]);
}

void kcb_set_cpu(unsigned int cpu)
{
	if (cpu >= KCB_NR_CPUS || kcb_preempt_count_get()) {
		fprintf(stderr, "kcache-bench: kcb_set_cpu(%u): bad cpu or preemption disabled\n", cpu);
		abort();
	}
	kcb_cpu_number = cpu;
	kcb_this_cpu_off = kcb_per_cpu_offset[cpu];
#if defined(KCB_PERCPU_OFFSET_REG)
	kcb_arch_set_cpu_offset(kcb_this_cpu_off);
#endif
}

unsigned long kcb_percpu_enter(void)
{
#if defined(KCB_PERCPU_OFFSET_REG)
	unsigned long caller = kcb_arch_my_cpu_offset();
	kcb_arch_set_cpu_offset(kcb_this_cpu_off);
	return caller;
#else
	return 0;
#endif
}

void kcb_percpu_leave(unsigned long caller)
{
#if defined(KCB_PERCPU_OFFSET_REG)
	kcb_arch_set_cpu_offset(caller);
#else
	(void)caller;
#endif
}

#if defined(KCB_PERCPU_OFFSET_REG)
/*
 * Every program with the model enters through here (kernels/CMakeLists.txt
 * links it with --wrap=main): the offset register is set before main runs
 * and libc's value is given back after, since the register is callee-saved.
 */
extern "C" int __real_main(int argc, char **argv, char **envp);
extern "C" int __wrap_main(int argc, char **argv, char **envp)
{
	unsigned long caller = kcb_percpu_enter();
	int rc = __real_main(argc, argv, envp);
	kcb_percpu_leave(caller);
	return rc;
}
#endif

/* ---- preempt count and need_resched ---- */

unsigned int kcb_preempt_count_get(void)
{
	return (unsigned int)(kcb_preempt_count & ~(kcb_preempt_t)KCB_PREEMPT_NEED_RESCHED);
}

void kcb_set_need_resched(void)
{
	kcb_need_resched = 1;
	kcb_preempt_count &= ~(kcb_preempt_t)KCB_PREEMPT_NEED_RESCHED;
}

/* should_resched(0): with the bit folded in, one compare of the word */
static bool kcb_should_resched(void)
{
#if defined(KCB_PREEMPT_FOLD)
	return KCB_READ_ONCE(kcb_preempt_count) == 0;
#else
	return kcb_preempt_count == 0 && kcb_need_resched;
#endif
}

/* ---- preempt hooks, cold and out of line as in the kernel ---- */

extern "C" __attribute__((noinline, cold)) void kcb_preempt_schedule(void)
{
	kcb_need_resched = 0;
	kcb_preempt_count |= (kcb_preempt_t)KCB_PREEMPT_NEED_RESCHED; /* clear_preempt_need_resched */
	kcb_nr_preempt_schedule++;
}

extern "C" __attribute__((noinline)) void kcb_cond_resched(void)
{
	if (kcb_should_resched())
		kcb_preempt_schedule();
}
