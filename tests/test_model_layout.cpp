// SPDX-License-Identifier: GPL-2.0
/*
 * Cache set-up and the machinery around the fast paths, both models:
 *  - kmem_cache fields as calculate_sizes()/calculate_order() fill them
 *    (size, align, offset, oo, min, min_partial, reciprocal_size, random,
 *    sheaf_capacity / cpu_partial);
 *  - per-CPU pointers: template not dereferenceable, one copy per CPU, the
 *    running CPU's offset applied;
 *  - object -> slab lookup, with the compound-head hop;
 *  - hooks: need_resched -> schedule, kfence gate, memcg for SLAB_ACCOUNT,
 *    init_on_alloc / __GFP_ZERO, gfp_allowed_mask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels/slub_cpu_slab.h" /* white-box: the private headers */
#include "../kernels/slub_sheaves.h"

#include "kcb_check.h"

static unsigned int recip_index(const struct kmem_cache *s, uint32_t off)
{
	struct {
		uint32_t m;
		uint8_t sh1, sh2;
	} r;
	memcpy(&r, &s->reciprocal_size, sizeof(r));
	uint32_t t = (uint32_t)(((uint64_t)off * r.m) >> 32);
	return (t + ((off - t) >> r.sh1)) >> r.sh2;
}

static void test_fields(unsigned int model)
{
	static const unsigned int sizes[] = {8, 24, 100, 192, 255, 256, 700, 1023, 1024, 1500, 4095, 4096, 9000};
	const unsigned int word = sizeof(void *);
	unsigned long prev_random = 0;
	for (unsigned int size : sizes) {
		for (int hw = 0; hw < 2; hw++) {
			struct kmem_cache *s =
				kcb_cache_create("layout", size, hw ? KCB_SLAB_HWCACHE_ALIGN : 0, model);
			CHECK(s, "create %u", size);
			if (!s)
				continue;
			unsigned int want_align = 8;
			if (hw) {
				want_align = 64;
				while (size <= want_align / 2)
					want_align /= 2;
				if (want_align < 8)
					want_align = 8;
			}
			CHECK(s->align == want_align, "size %u hw %d: align %u, want %u", size, hw, s->align, want_align);
			CHECK(s->object_size == size && s->size >= size && s->size % s->align == 0,
			      "size %u: s->size %u", size, s->size);
			CHECK(s->inuse == ((size + word - 1) & ~(word - 1)), "inuse %u", s->inuse);
			CHECK(s->offset == ((size / 2) & ~(word - 1)), "size %u: offset %u", size, s->offset);
			unsigned int order = kcb_oo_order(s->oo), objs = kcb_oo_objects(s->oo);
			CHECK(order <= KCB_MAX_ORDER && objs == (KCB_PAGE_SIZE << order) / s->size && objs >= 1,
			      "size %u: oo order %u objects %u", size, order, objs);
			CHECK(kcb_oo_order(s->min) <= order, "min order");
			CHECK((s->allocflags != 0) == (order != 0), "allocflags");
			CHECK(s->min_partial >= KCB_MIN_PARTIAL && s->min_partial <= KCB_MAX_PARTIAL,
			      "min_partial %lu", s->min_partial);
			for (unsigned int k = 0; k < objs; k++)
				if (recip_index(s, k * s->size) != k) {
					CHECK(false, "size %u: reciprocal divide of object %u", s->size, k);
					break;
				}
			CHECK(s->random && s->random != prev_random, "random not seeded per cache");
			prev_random = s->random;
			CHECK(s->refcount == 1 && s->model == model && !strcmp(s->name, "layout"), "misc fields");
			CHECK(s->node[0] && s->model_private, "node / private state");
			if (model == KCB_MODEL_SHEAVES) {
				unsigned int cap = size < 256 ? 60 : size < 1024 ? 28 : size < 4096 ? 12 : 4;
				CHECK(s->sheaf_capacity == cap, "size %u: sheaf_capacity %u, want %u", size,
				      s->sheaf_capacity, cap);
			} else {
				unsigned int cp = s->size >= 4096 ? 6 : s->size >= 1024 ? 24 : s->size >= 256 ? 52 : 120;
				CHECK(s->cpu_partial == cp, "size %u: cpu_partial %u, want %u", size, s->cpu_partial, cp);
			}
		}
	}
	CHECK(!kcb_cache_create("zero", 0, 0, model), "a 0-byte cache must be refused");
	struct kmem_cache *s = kcb_cache_create("a192", 192, 0, model);
	printf("  %s: 192-byte cache: size %u align %u offset %u order %u objects %u min_partial %lu %s %u\n",
	       model == KCB_MODEL_SHEAVES ? "sheaves" : "cpu_slab", s->size, s->align, s->offset,
	       kcb_oo_order(s->oo), kcb_oo_objects(s->oo), s->min_partial,
	       model == KCB_MODEL_SHEAVES ? "sheaf_capacity" : "cpu_partial", s->sheaf_capacity);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* preempt_enable() with a reschedule pending schedules once; the folded
 * bit (x86, arm64) comes back set */
static void test_preempt(void)
{
	unsigned long sched = kcb_nr_preempt_schedule;
	kcb_preempt_disable();
	kcb_preempt_disable();
	CHECK(kcb_preempt_count_get() == 2, "preempt count %u, not 2", kcb_preempt_count_get());
	kcb_set_need_resched();
	kcb_preempt_enable();
	CHECK(kcb_nr_preempt_schedule == sched, "scheduled with preemption still disabled");
	kcb_preempt_enable();
	CHECK(kcb_nr_preempt_schedule == sched + 1, "preempt_enable did not schedule");
	CHECK(kcb_preempt_count == KCB_PREEMPT_ENABLED && !kcb_need_resched, "need_resched not cleared");
	kcb_preempt_disable();
	kcb_preempt_enable();
	CHECK(kcb_nr_preempt_schedule == sched + 1, "scheduled without need_resched");
	printf("  preempt: need_resched %s\n",
#if defined(KCB_PREEMPT_FOLD)
	       KCB_PREEMPT_FOLD == 64 ? "folded: upper word of a 64-bit count" : "folded: bit 31 of the count"
#else
	       "a separate flag (asm-generic)"
#endif
	);
}

static void test_percpu(void)
{
	struct kmem_cache *s = kcb_cache_create("pcpu", 64, 0, KCB_MODEL_SHEAVES);
	uintptr_t pcp = (uintptr_t)s->cpu_sheaves;
	for (unsigned int cpu = 0; cpu < KCB_NR_CPUS; cpu++) {
		kcb_set_cpu(cpu);
		uintptr_t mine = (uintptr_t)kcb_this_cpu_ptr((struct kcb_percpu_sheaves *)s->cpu_sheaves);
		CHECK(mine == pcp + (cpu + 1) * (uintptr_t)KCB_PCPU_UNIT_SIZE, "cpu %u: this_cpu_ptr", cpu);
		CHECK(mine == (uintptr_t)kcb_per_cpu_ptr(s->cpu_sheaves, cpu), "cpu %u: per_cpu_ptr", cpu);
		CHECK(((struct kcb_percpu_sheaves *)mine)->main, "cpu %u has no main sheaf", cpu);
	}
	/* objects freed on CPU 2 come back on CPU 2, not on CPU 0 */
	kcb_set_cpu(2);
	void *x = kcb_sheaves_alloc(s, KCB_GFP_KERNEL);
	kcb_sheaves_free(s, x);
	kcb_set_cpu(0);
	void *y = kcb_sheaves_alloc(s, KCB_GFP_KERNEL);
	kcb_set_cpu(2);
	void *z = kcb_sheaves_alloc(s, KCB_GFP_KERNEL);
	CHECK(y != x && z == x, "per-CPU sheaves are not per CPU");
	kcb_sheaves_free(s, z);
	kcb_set_cpu(0);
	kcb_sheaves_free(s, y);
	/* the offset survives library code (a register offset: callee-saved) */
	kcb_set_cpu(3);
	char buf[64];
	snprintf(buf, sizeof(buf), "%f %s", 1.5, "x");
	int keys[32];
	for (int i = 0; i < 32; i++)
		keys[i] = (i * 7) % 32;
	qsort(keys, 32, sizeof(int), cmp_int);
	void *heap = malloc(1 << 20);
	free(heap);
	CHECK(kcb_my_cpu_offset() == kcb_per_cpu_offset[3], "cpu offset lost across libc calls");
	kcb_set_cpu(0);
	printf("  percpu: %u CPUs, unit %u KiB, offset source %s\n", KCB_NR_CPUS, KCB_PCPU_UNIT_SIZE >> 10,
#if defined(KCB_PERCPU_OFFSET_REG)
	       "register " KCB_PERCPU_OFFSET_REG " (no load)"
#elif defined(KCB_PERCPU_OFFSET_TABLE) && KCB_PERCPU_OFFSET_TABLE
	       "kcb_per_cpu_offset[cpu] (asm-generic)"
#else
	       "TLS this_cpu_off"
#endif
	);
}

static void test_lookup(unsigned int model)
{
	struct kmem_cache *s = kcb_cache_create("big", 3000, 0, model);
	void *(*alloc)(struct kmem_cache *, kcb_gfp_t) =
		model == KCB_MODEL_SHEAVES ? kcb_sheaves_alloc : kcb_cpu_slab_alloc;
	unsigned int tails = 0;
	for (unsigned int i = 0; i < 50; i++) {
		void *x = alloc(s, KCB_GFP_KERNEL);
		struct kcb_slab *slab = kcb_virt_to_slab(x);
		uintptr_t idx = ((uintptr_t)x - kcb_arena_base) >> KCB_PAGE_SHIFT;
		tails += (kcb_vmemmap[idx].compound_head & 1) != 0;
		CHECK(slab && slab->slab_cache == s, "object %p: lookup gives the wrong slab", x);
		CHECK(slab && (uintptr_t)x >= (uintptr_t)kcb_slab_address(slab) &&
			      (uintptr_t)x < (uintptr_t)kcb_slab_address(slab) + (KCB_PAGE_SIZE << kcb_oo_order(s->oo)),
		      "object outside its slab");
	}
	CHECK(tails > 0, "no object started in a tail page: compound-head hop untested");
	static char stack_obj[64];
	CHECK(!kcb_virt_to_slab(stack_obj), "non-arena pointer mapped to a slab");
	printf("  lookup: order-%u slabs, %u of 50 objects found through a tail page\n", kcb_oo_order(s->oo), tails);
}

/* the switches of one config: distro patches static keys, minimal sets bools */
static void set_init_on_alloc(bool distro, bool on)
{
	if (distro)
		CHECK(kcb_static_key_set(KCB_KEY_INIT_ON_ALLOC, on) == 0, "init_on_alloc key not patched");
	else
		kcb_init_on_alloc = on;
}

static void set_kfence(bool distro, bool on)
{
	if (distro)
		CHECK(kcb_static_key_set(KCB_KEY_KFENCE, on) == 0, "kfence key not patched");
}

static void test_hooks(unsigned int model, bool distro)
{
	bool sh = model == KCB_MODEL_SHEAVES;
	void *(*alloc)(struct kmem_cache *, kcb_gfp_t) =
		distro ? (sh ? kcb_sheaves_alloc : kcb_cpu_slab_alloc)
		       : (sh ? kcb_sheaves_alloc__minimal : kcb_cpu_slab_alloc__minimal);
	void (*free_)(struct kmem_cache *, void *) =
		distro ? (sh ? kcb_sheaves_free : kcb_cpu_slab_free)
		       : (sh ? kcb_sheaves_free__minimal : kcb_cpu_slab_free__minimal);
	struct kmem_cache *s = kcb_cache_create("hooks", 128, 0, model);
	struct kmem_cache *acct = kcb_cache_create("acct", 128, KCB_SLAB_ACCOUNT, model);

	unsigned long sched = kcb_nr_preempt_schedule;
	kcb_set_need_resched();
	void *x = alloc(s, KCB_GFP_KERNEL);
	CHECK(kcb_nr_preempt_schedule > sched && !kcb_need_resched, "need_resched did not schedule");
	free_(s, x);

	unsigned long kf = kcb_nr_kfence_allocs;
	kcb_kfence_allocation_gate = 0;
	if (distro) { /* key off (SAMPLE_INTERVAL=0): the open gate is not even read */
		x = alloc(s, KCB_GFP_KERNEL);
		CHECK(kcb_nr_kfence_allocs == kf, "kfence called with its key off");
		free_(s, x);
	}
	set_kfence(distro, true);
	x = alloc(s, KCB_GFP_KERNEL);
	set_kfence(distro, false);
	CHECK(x && kcb_nr_kfence_allocs == kf + 1 && kcb_kfence_allocation_gate > 0, "kfence gate");
	free_(s, x);
	x = alloc(s, KCB_GFP_KERNEL);
	CHECK(kcb_nr_kfence_allocs == kf + 1, "kfence called with the gate closed");
	free_(s, x);

	unsigned long mc = kcb_nr_memcg_hooks;
	x = alloc(s, KCB_GFP_KERNEL);
	free_(s, x);
	CHECK(kcb_nr_memcg_hooks == mc, "memcg hook ran for an unaccounted cache");
	x = alloc(acct, KCB_GFP_KERNEL);
	free_(acct, x);
	CHECK(kcb_nr_memcg_hooks == mc + 2, "memcg hooks for SLAB_ACCOUNT: %lu", kcb_nr_memcg_hooks - mc);

	x = alloc(s, KCB_GFP_KERNEL);
	memset(x, 0xaa, s->object_size);
	free_(s, x);
	set_init_on_alloc(distro, true);
	void *y = alloc(s, KCB_GFP_KERNEL);
	set_init_on_alloc(distro, false);
	bool zero = y == x;
	for (unsigned int i = 0; zero && i < s->object_size; i++)
		zero = ((unsigned char *)y)[i] == 0;
	CHECK(zero, "init_on_alloc did not zero the reused object");
	memset(y, 0xaa, s->object_size);
	free_(s, y);
	y = alloc(s, KCB_GFP_KERNEL);
	CHECK(y == x && ((unsigned char *)y)[1] == 0xaa, "init_on_alloc off still zeroed");
	free_(s, y);
	y = alloc(s, KCB_GFP_KERNEL | KCB___GFP_ZERO);
	CHECK(y == x && ((unsigned char *)y)[s->object_size - 1] == 0, "__GFP_ZERO did not zero");
	memset(y, 0xaa, s->object_size);
	free_(s, y);
	kcb_gfp_allowed_mask = ~KCB___GFP_ZERO;
	y = alloc(s, KCB_GFP_KERNEL | KCB___GFP_ZERO);
	kcb_gfp_allowed_mask = ~0u;
	CHECK(y == x && ((unsigned char *)y)[0] == 0xaa, "gfp_allowed_mask not applied");
	free_(s, y);
	if (distro) /* back to the distro config's boot state */
		set_init_on_alloc(distro, true);
	CHECK(kcb_preempt_count == KCB_PREEMPT_ENABLED && !kcb_irqs_disabled, "preempt/irq state leaked");
	printf("  hooks (%s, %s): resched, kfence gate, memcg, init_on_alloc, __GFP_ZERO, gfp mask ok\n",
	       sh ? "sheaves" : "cpu_slab", distro ? "distro" : "minimal");
}

int main(void)
{
	printf("model layout, arch %s, hardened default %s\n", KCB_ARCH_NAME, kcb_freelist_hardened ? "on" : "off");
#if UINTPTR_MAX == 0xffffffffffffffffu
	CHECK(offsetof(struct kcb_percpu_sheaves, main) == 8, "pcs->main offset");
	CHECK(offsetof(struct kcb_sheaf, size) == 24 && offsetof(struct kcb_sheaf, objects) == 32,
	      "sheaf size/objects offsets");
	CHECK(offsetof(struct kcb_kmem_cache_cpu, ft.tid) == 8 && alignof(struct kcb_kmem_cache_cpu) == 16,
	      "kmem_cache_cpu freelist/tid double word");
#endif
	test_fields(KCB_MODEL_SHEAVES);
	test_fields(KCB_MODEL_CPU_SLAB);
	test_percpu();
	test_preempt();
	test_lookup(KCB_MODEL_SHEAVES);
	test_lookup(KCB_MODEL_CPU_SLAB);
	for (int distro = 1; distro >= 0; distro--) {
		test_hooks(KCB_MODEL_SHEAVES, distro);
		test_hooks(KCB_MODEL_CPU_SLAB, distro);
	}
	if (failures) {
		fprintf(stderr, "%d of %u checks failed\n", failures, checks);
		return 1;
	}
	printf("%u checks passed\n", checks);
	return 0;
}
