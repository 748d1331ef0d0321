// SPDX-License-Identifier: GPL-2.0
/*
 * The slab layer under both fast paths: per-CPU areas, the page arena and
 * its metadata, cache set-up (sizes, order, free pointer offset, random),
 * slab creation/discard, moving objects between slabs and the per-CPU
 * caches, the cold hooks, and the stats the tests read.
 * Single-threaded by design: no list_lock is modelled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "hotpaths.h"
#include "slab.h"

#ifndef KCB_FREELIST_HARDENED_DEFAULT
#define KCB_FREELIST_HARDENED_DEFAULT 1
#endif

static_assert(KCB_NR_CPUS == 4, "kcb_per_cpu_offset[] below is written for 4 CPUs");

static void kcb_default_bad_free(const struct kmem_cache *s, const void *x, const char *why)
{
	fprintf(stderr, "kcache-bench: kmem_cache_free(%s, %p): %s; object leaked\n",
		s && s->name ? s->name : "?", x, why);
}

extern "C" {
/* ---- per-CPU state (percpu.h) ---- */
/* unit 0: the template that __percpu pointers name; unit c+1: CPU c */
alignas(65536) static unsigned char kcb_pcpu_area[(KCB_NR_CPUS + 1) * (size_t)KCB_PCPU_UNIT_SIZE];
unsigned long kcb_per_cpu_offset[KCB_NR_CPUS] = {
	1ul * KCB_PCPU_UNIT_SIZE, 2ul * KCB_PCPU_UNIT_SIZE, 3ul * KCB_PCPU_UNIT_SIZE,
	4ul * KCB_PCPU_UNIT_SIZE};
KCB_TLS unsigned long kcb_this_cpu_off = KCB_PCPU_UNIT_SIZE; /* every thread starts as CPU 0 */
KCB_TLS unsigned int kcb_cpu_number;
KCB_TLS int kcb_preempt_count;
KCB_TLS unsigned char kcb_need_resched;
KCB_TLS unsigned char kcb_irqs_disabled;
KCB_TLS int kcb_numa_mem_id;

/* ---- globals the fast paths read ---- */
uintptr_t kcb_arena_base;
struct kcb_slab *kcb_vmemmap;
kcb_gfp_t kcb_gfp_allowed_mask = ~0u; /* after boot: every bit allowed */
int kcb_kfence_allocation_gate = 1;   /* closed until a sample interval opens it */
char *kcb_kfence_pool;                /* no kfence pool: is_kfence_address() is false */
bool kcb_init_on_alloc;               /* init_on_alloc=0 (a boot option) */
bool kcb_init_on_free;

bool kcb_freelist_hardened = KCB_FREELIST_HARDENED_DEFAULT;
void (*kcb_bad_free_hook)(const struct kmem_cache *s, const void *x, const char *why) =
	kcb_default_bad_free;

/* counters of the cold hooks, for tests */
unsigned long kcb_nr_preempt_schedule, kcb_nr_kfence_allocs, kcb_nr_memcg_hooks;
}

/* ---- per-CPU memory ---- */

static size_t pcpu_used = 64; /* offset 0 stays unused */
static bool pcpu_template_protected;

void *kcb_alloc_percpu(size_t size, size_t align)
{
	if (!pcpu_template_protected) {
		/* a __percpu pointer dereferenced without an offset must fault */
		if (mprotect(kcb_pcpu_area, KCB_PCPU_UNIT_SIZE, PROT_NONE) != 0)
			fprintf(stderr, "kcache-bench: note: per-cpu template not protected: %s\n",
				strerror(errno));
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
	if (cpu >= KCB_NR_CPUS || kcb_preempt_count) {
		fprintf(stderr, "kcache-bench: kcb_set_cpu(%u): bad cpu or preemption disabled\n", cpu);
		abort();
	}
	kcb_cpu_number = cpu;
	kcb_this_cpu_off = kcb_per_cpu_offset[cpu];
}

/* ---- cold hooks, out of line as in the kernel ---- */

extern "C" __attribute__((noinline, cold)) void kcb_preempt_schedule(void)
{
	kcb_need_resched = 0;
	kcb_nr_preempt_schedule++;
}

extern "C" __attribute__((noinline, cold)) void kcb_cond_resched(void)
{
	if (kcb_preempt_count == 0 && kcb_need_resched)
		kcb_preempt_schedule();
}

/* The gate opened: the kernel would hand out one kfence object and close the
 * gate again.  No kfence pool is modelled: close it, let the caller go on. */
extern "C" __attribute__((noinline, cold)) void *kcb_kfence_alloc(struct kmem_cache *, unsigned int,
								  kcb_gfp_t)
{
	__atomic_store_n(&kcb_kfence_allocation_gate, 1, __ATOMIC_RELAXED);
	kcb_nr_kfence_allocs++;
	return nullptr;
}

extern "C" __attribute__((noinline)) void kcb_memcg_post_alloc_hook(struct kmem_cache *, kcb_gfp_t,
								    void *)
{
	kcb_nr_memcg_hooks++;
}

extern "C" __attribute__((noinline)) void kcb_memcg_free_hook(struct kmem_cache *, struct kcb_slab *,
							      void *)
{
	kcb_nr_memcg_hooks++;
}

extern "C" __attribute__((noinline, cold)) void kcb_bad_free(struct kmem_cache *s, const void *x,
							     const char *why)
{
	if (s && s->model_private)
		kcb_priv(s)->stats.foreign_frees++;
	if (kcb_bad_free_hook)
		kcb_bad_free_hook(s, x, why);
}

/* ---- lists ---- */

void kcb_list_add_tail(struct kcb_list_head *n, struct kcb_list_head *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

void kcb_list_del(struct kcb_list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = nullptr;
}

/* ---- the arena: a buddy-less page allocator with per-order free lists ---- */

#define KCB_COMMIT_CHUNK_PAGES 256ul /* commit 1 MiB at a time */

static uintptr_t arena_next_page;   /* bump index */
static uintptr_t arena_committed;   /* pages committed so far */
static struct kcb_slab *free_pages[KCB_MAX_ORDER + 1];

static bool arena_init(void)
{
	if (kcb_arena_base)
		return true;
	size_t bytes = (size_t)KCB_ARENA_PAGES << KCB_PAGE_SHIFT;
	void *a = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED) {
		fprintf(stderr, "kcache-bench: cannot reserve the slab arena (%zu MiB): %s\n", bytes >> 20,
			strerror(errno));
		return false;
	}
	size_t meta = KCB_ARENA_PAGES * sizeof(struct kcb_slab);
	void *m = mmap(nullptr, meta, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "kcache-bench: cannot map the page metadata: %s\n", strerror(errno));
		munmap(a, bytes);
		return false;
	}
	kcb_vmemmap = (struct kcb_slab *)m;
	kcb_arena_base = (uintptr_t)a;
	return true;
}

void kcb_slab_memory(uintptr_t *arena, size_t *arena_len, uintptr_t *meta, size_t *meta_len)
{
	*arena = kcb_arena_base;
	*arena_len = kcb_arena_base ? (size_t)KCB_ARENA_PAGES << KCB_PAGE_SHIFT : 0;
	*meta = (uintptr_t)kcb_vmemmap;
	*meta_len = kcb_vmemmap ? KCB_ARENA_PAGES * sizeof(struct kcb_slab) : 0;
}

static struct kcb_slab *alloc_pages(unsigned int order)
{
	uintptr_t n = 1ul << order;
	if (free_pages[order]) {
		struct kcb_slab *page = free_pages[order];
		free_pages[order] = (struct kcb_slab *)page->slab_list.next;
		page->slab_list.next = nullptr;
		return page;
	}
	uintptr_t idx = (arena_next_page + n - 1) & ~(n - 1); /* naturally aligned, like buddy */
	if (idx + n > KCB_ARENA_PAGES)
		return nullptr;
	while (idx + n > arena_committed) {
		void *chunk = (void *)(kcb_arena_base + (arena_committed << KCB_PAGE_SHIFT));
		if (mprotect(chunk, KCB_COMMIT_CHUNK_PAGES << KCB_PAGE_SHIFT, PROT_READ | PROT_WRITE)) {
			fprintf(stderr, "kcache-bench: cannot commit arena pages: %s\n", strerror(errno));
			return nullptr;
		}
		arena_committed += KCB_COMMIT_CHUNK_PAGES;
	}
	arena_next_page = idx + n;
	return &kcb_vmemmap[idx];
}

static void free_pages_list(struct kcb_slab *page, unsigned int order)
{
	page->slab_list.next = (struct kcb_list_head *)free_pages[order];
	free_pages[order] = page;
}

/* ---- slabs ---- */

struct kcb_slab *kcb_new_slab(struct kmem_cache *s)
{
	unsigned int order = kcb_oo_order(s->oo), objects = kcb_oo_objects(s->oo);
	struct kcb_slab *slab = alloc_pages(order);
	if (!slab)
		return nullptr;
	memset(slab, 0, sizeof(*slab) << order);
	for (unsigned int i = 1; i < (1u << order); i++)
		slab[i].compound_head = (uintptr_t)slab | 1;
	slab->flags = order ? KCB_PG_HEAD : 0;
	slab->slab_cache = s;
	slab->page_type = KCB_PGTY_SLAB << 24;
	slab->nid = 0;
	slab->objects = objects;
	slab->inuse = 0;
	slab->frozen = 0;
	if (s->flags & KCB_SLAB_ACCOUNT)
		slab->obj_exts = 1; /* stands for the memcg vector */
	/* freelist in address order (CONFIG_SLAB_FREELIST_RANDOM not modelled) */
	char *base = (char *)kcb_slab_address(slab);
	void *next = nullptr;
	for (unsigned int i = objects; i-- > 0;) {
		void *obj = base + (size_t)i * s->size;
		kcb_set_freepointer(s, obj, next, s->flags);
		next = obj;
	}
	slab->freelist = next;
	kcb_node(s)->nr_slabs++;
	kcb_priv(s)->stats.slabs = kcb_node(s)->nr_slabs;
	return slab;
}

void kcb_discard_slab(struct kmem_cache *s, struct kcb_slab *slab)
{
	unsigned int order = kcb_oo_order(s->oo);
	memset(slab, 0, sizeof(*slab) << order);
	free_pages_list(slab, order);
	kcb_node(s)->nr_slabs--;
	kcb_priv(s)->stats.slabs = kcb_node(s)->nr_slabs;
}

unsigned int kcb_alloc_from_slabs(struct kmem_cache *s, void **out, unsigned int n)
{
	struct kcb_cache_node *node = kcb_node(s);
	unsigned int got = 0;
	while (got < n) {
		struct kcb_slab *slab;
		if (kcb_list_empty(&node->partial)) {
			slab = kcb_new_slab(s);
			if (!slab)
				break;
			kcb_list_add_tail(&slab->slab_list, &node->partial);
			node->nr_partial++;
		} else {
			slab = (struct kcb_slab *)((char *)node->partial.next -
						   offsetof(struct kcb_slab, slab_list));
		}
		while (got < n && slab->freelist) {
			void *obj = slab->freelist;
			slab->freelist = kcb_get_freepointer(s, obj, s->flags);
			slab->inuse++;
			out[got++] = obj;
		}
		if (!slab->freelist) { /* full slabs are on no list */
			kcb_list_del(&slab->slab_list);
			node->nr_partial--;
		}
	}
	return got;
}

/* reciprocal_divide() with the value kcb_cache_init stored in s->reciprocal_size */
struct kcb_reciprocal {
	uint32_t m;
	uint8_t sh1, sh2;
};

static uint32_t obj_to_index(const struct kmem_cache *s, uint32_t off)
{
	struct kcb_reciprocal r;
	memcpy(&r, &s->reciprocal_size, sizeof(r));
	uint32_t t = (uint32_t)(((uint64_t)off * r.m) >> 32);
	return (t + ((off - t) >> r.sh1)) >> r.sh2;
}

void kcb_free_to_slab(struct kmem_cache *s, struct kcb_slab *slab, void *x)
{
	struct kcb_cache_node *node = kcb_node(s);
	uint32_t off = (uint32_t)((uintptr_t)x - (uintptr_t)kcb_slab_address(slab));
	uint32_t idx = obj_to_index(s, off);
	if (idx >= slab->objects || idx * s->size != off) {
		kcb_bad_free(s, x, "not the start of an object");
		return;
	}
	bool was_full = !slab->freelist;
	kcb_set_freepointer(s, x, slab->freelist, s->flags);
	slab->freelist = x;
	slab->inuse--;
	if (slab->frozen) /* a cpu slab: it stays with its CPU */
		return;
	if (!slab->inuse && node->nr_partial >= s->min_partial) {
		if (!was_full) {
			kcb_list_del(&slab->slab_list);
			node->nr_partial--;
		}
		kcb_discard_slab(s, slab);
		return;
	}
	if (was_full) {
		kcb_list_add_tail(&slab->slab_list, &node->partial);
		node->nr_partial++;
	}
}

/* ---- cache set-up (kmem_cache_create / calculate_sizes) ---- */

static unsigned int fls_u32(uint32_t x) { return x ? 32 - __builtin_clz(x) : 0; }

static unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;
	while ((KCB_PAGE_SIZE << order) < size)
		order++;
	return order;
}

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((KCB_PAGE_SIZE << order) / size);
}

/* lowest order >= min_order whose leftover is at most 1/fract of the slab */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order, unsigned int fract)
{
	unsigned int order;
	for (order = min_order; order <= KCB_MAX_ORDER; order++) {
		unsigned long slab_size = KCB_PAGE_SIZE << order;
		if (slab_size % size <= slab_size / fract)
			break;
	}
	return order;
}

static unsigned int calculate_order(unsigned int size)
{
	/* slub_min_objects default: 4 * (fls(nr_cpus) + 1) */
	unsigned int min_objects = 4 * (fls_u32(KCB_NR_CPUS) + 1);
	unsigned int max_objects = order_objects(KCB_MAX_ORDER, size);
	if (max_objects < 1)
		max_objects = 1;
	if (min_objects > max_objects)
		min_objects = max_objects;
	unsigned int min_order = get_order((unsigned long)min_objects * size);
	for (unsigned int fract = 16; fract > 1; fract /= 2) {
		unsigned int order = calc_slab_order(size, min_order, fract);
		if (order <= KCB_MAX_ORDER)
			return order;
	}
	return get_order(size);
}

static uint64_t reciprocal_value(uint32_t d)
{
	struct kcb_reciprocal r;
	unsigned int l = fls_u32(d - 1);
	uint64_t m = ((1ull << 32) * ((1ull << l) - d)) / d + 1;
	r.m = (uint32_t)m;
	r.sh1 = l < 1 ? l : 1;
	r.sh2 = l > 1 ? l - 1 : 0;
	uint64_t v = 0;
	memcpy(&v, &r, sizeof(r));
	return v;
}

static unsigned long cache_random(const struct kmem_cache *s)
{
	/* get_random_long() per cache: splitmix64 of time, address and a counter */
	static uint64_t counter;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t z = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uintptr_t)s ^
		     (++counter * 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (unsigned long)(z | 1); /* never 0: an unencoded pointer must not decode */
}

#define KCB_MAX_OBJECT_SIZE (KCB_PAGE_SIZE << KCB_MAX_ORDER)

extern "C" int kcb_cache_init(struct kmem_cache *s, const char *name, unsigned int object_size,
			      kcb_slab_flags_t flags, unsigned int model)
{
	if (!s || !object_size || object_size > KCB_MAX_OBJECT_SIZE ||
	    (model != KCB_MODEL_SHEAVES && model != KCB_MODEL_CPU_SLAB)) {
		fprintf(stderr, "kcache-bench: kcb_cache_init(%s): bad object size %u or model %u\n",
			name ? name : "?", object_size, model);
		return 0;
	}
	if (!arena_init())
		return 0;
	struct kcb_cache_private *priv = (struct kcb_cache_private *)calloc(1, sizeof(*priv));
	if (!priv)
		return 0;
	memset(s, 0, sizeof(*s));

	const unsigned int word = sizeof(void *);
	unsigned int align = 8; /* ARCH_SLAB_MINALIGN */
	if (flags & KCB_SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = 64; /* cache_line_size(); halved for small objects */
		while (object_size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	align = (align + word - 1) & ~(word - 1);

	s->name = name;
	s->flags = (flags & ~KCB___FREELIST_HARDENED) |
		   (kcb_freelist_hardened ? KCB___FREELIST_HARDENED : 0);
	s->object_size = object_size;
	unsigned int size = (object_size + word - 1) & ~(word - 1);
	s->inuse = size;
	/* free pointer in the middle of the object, away from small overflows */
	s->offset = (object_size / 2) & ~(word - 1);
	size = (size + align - 1) & ~(align - 1);
	s->size = size;
	s->align = align;
	s->reciprocal_size = reciprocal_value(size);

	unsigned int order = calculate_order(size);
	s->oo = (order << KCB_OO_SHIFT) | order_objects(order, size);
	unsigned int min_order = get_order(size);
	s->min = (min_order << KCB_OO_SHIFT) | order_objects(min_order, size);
	s->allocflags = order ? KCB___GFP_COMP : 0;

	unsigned long min_partial = (fls_u32(size) - 1) / 2; /* ilog2(size) / 2 */
	if (min_partial < KCB_MIN_PARTIAL)
		min_partial = KCB_MIN_PARTIAL;
	else if (min_partial > KCB_MAX_PARTIAL)
		min_partial = KCB_MAX_PARTIAL;
	s->min_partial = min_partial;
	s->refcount = 1;
	s->random = cache_random(s);
	s->model = model;

	kcb_list_init(&priv->node.partial);
	kcb_list_init(&priv->node.barn.sheaves_full);
	kcb_list_init(&priv->node.barn.sheaves_empty);
	s->node[0] = &priv->node;
	s->model_private = priv;
	kcb_list_init(&s->list);

	int ok = model == KCB_MODEL_SHEAVES ? kcb_sheaves_setup(s) : kcb_cpu_slab_setup(s);
	if (!ok) {
		fprintf(stderr, "kcache-bench: kcb_cache_init(%s): out of per-cpu memory\n", name);
		s->model_private = nullptr;
		s->node[0] = nullptr;
		free(priv);
		return 0;
	}
	return 1;
}

extern "C" struct kmem_cache *kcb_cache_create(const char *name, unsigned int object_size,
					       kcb_slab_flags_t flags, unsigned int model)
{
	void *mem = nullptr;
	/* kmem_cache comes from its own slab cache, line aligned */
	if (posix_memalign(&mem, 64, sizeof(struct kmem_cache)))
		return nullptr;
	struct kmem_cache *s = (struct kmem_cache *)mem;
	if (!kcb_cache_init(s, name, object_size, flags, model)) {
		free(s);
		return nullptr;
	}
	return s;
}

extern "C" void kcb_cache_shrink(struct kmem_cache *s)
{
	if (s->model == KCB_MODEL_SHEAVES)
		kcb_sheaves_flush_all(s);
	else
		kcb_cpu_slab_flush_all(s);
	struct kcb_cache_node *node = kcb_node(s);
	struct kcb_list_head *pos = node->partial.next;
	while (pos != &node->partial) {
		struct kcb_list_head *next = pos->next;
		struct kcb_slab *slab = (struct kcb_slab *)((char *)pos - offsetof(struct kcb_slab, slab_list));
		if (!slab->inuse) {
			kcb_list_del(pos);
			node->nr_partial--;
			kcb_discard_slab(s, slab);
		}
		pos = next;
	}
}

extern "C" void kcb_cache_get_stats(const struct kmem_cache *s, struct kcb_cache_stats *out)
{
	if (!s || !s->model_private) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = kcb_priv(s)->stats;
	out->slabs = kcb_node(s)->nr_slabs;
}
