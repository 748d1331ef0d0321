// SPDX-License-Identifier: GPL-2.0
/*
 * The 7.x allocator: per-CPU sheaves (arrays of objects) in front of the
 * slabs, behind a local_trylock.  Fast paths as in slab_alloc_node() /
 * kmem_cache_free() (shared SLUB-FASTPATH.md); slow paths swap with the
 * spare sheaf, trade sheaves with the node's barn, refill a sheaf from the
 * slabs or flush one back to them.
 */
#include <stdlib.h>
#include <string.h>

#include "slub_sheaves.h"

static struct kcb_sheaf *alloc_empty_sheaf(struct kmem_cache *s)
{
	struct kcb_sheaf *sheaf = (struct kcb_sheaf *)calloc(
		1, sizeof(struct kcb_sheaf) + (size_t)s->sheaf_capacity * sizeof(void *));
	if (sheaf)
		sheaf->cache = s;
	return sheaf;
}

#if KCB_CONFIG_DISTRO /* set-up once per binary: both configs share the caches */
static unsigned int sheaf_capacity_for(unsigned int object_size)
{
	if (object_size < 256)
		return 60;
	if (object_size < 1024)
		return 28;
	if (object_size < 4096)
		return 12;
	return 4;
}


extern "C" int kcb_sheaves_setup(struct kmem_cache *s)
{
	s->sheaf_capacity = sheaf_capacity_for(s->object_size);
	struct kcb_percpu_sheaves *pcs = (struct kcb_percpu_sheaves *)kcb_alloc_percpu(
		sizeof(struct kcb_percpu_sheaves), alignof(struct kcb_percpu_sheaves));
	if (!pcs)
		return 0;
	for (unsigned int cpu = 0; cpu < KCB_NR_CPUS; cpu++) {
		struct kcb_percpu_sheaves *p = (struct kcb_percpu_sheaves *)kcb_per_cpu_ptr(pcs, cpu);
		p->main = alloc_empty_sheaf(s);
		if (!p->main)
			return 0;
	}
	s->cpu_sheaves = pcs;
	return 1;
}
#endif

/* ---- the barn: spare full and empty sheaves of the node ---- */

static struct kcb_sheaf *barn_take(struct kcb_list_head *list, unsigned int *nr)
{
	if (kcb_list_empty(list))
		return nullptr;
	struct kcb_sheaf *sheaf = (struct kcb_sheaf *)((char *)list->next -
						       offsetof(struct kcb_sheaf, barn_list));
	kcb_list_del(&sheaf->barn_list);
	(*nr)--;
	return sheaf;
}

static void barn_put_empty(struct kcb_barn *barn, struct kcb_sheaf *sheaf)
{
	if (barn->nr_empty >= KCB_MAX_EMPTY_SHEAVES) {
		free(sheaf);
		return;
	}
	kcb_list_add_tail(&sheaf->barn_list, &barn->sheaves_empty);
	barn->nr_empty++;
}

static void barn_put_full(struct kcb_barn *barn, struct kcb_sheaf *sheaf)
{
	kcb_list_add_tail(&sheaf->barn_list, &barn->sheaves_full);
	barn->nr_full++;
}

/* Return every object of a sheaf to its slab. */
static void sheaf_flush(struct kmem_cache *s, struct kcb_sheaf *sheaf)
{
	for (unsigned int i = 0; i < sheaf->size; i++) {
		void *x = sheaf->objects[i];
		kcb_free_to_slab(s, kcb_virt_to_slab(x), x);
	}
	sheaf->size = 0;
	kcb_priv(s)->stats.flushes++;
}

static inline struct kcb_percpu_sheaves *pcs_pcp(struct kmem_cache *s)
{
	return (struct kcb_percpu_sheaves *)s->cpu_sheaves;
}

/*
 * Called locked with pcs->main empty: take the spare if it has objects, else
 * trade the empty main for a full sheaf from the barn, else refill main from
 * the slabs.  Returns NULL, unlocked, when no object can be had.
 */
static __attribute__((noinline)) struct kcb_percpu_sheaves *
pcs_replace_empty_main(struct kmem_cache *s, struct kcb_percpu_sheaves *pcs)
{
	struct kcb_barn *barn = &kcb_node(s)->barn;
	if (pcs->spare && pcs->spare->size) {
		struct kcb_sheaf *t = pcs->main;
		pcs->main = pcs->spare;
		pcs->spare = t;
		return pcs;
	}
	struct kcb_sheaf *full = barn_take(&barn->sheaves_full, &barn->nr_full);
	if (full) {
		barn_put_empty(barn, pcs->main);
		pcs->main = full;
		return pcs;
	}
	struct kcb_sheaf *main = pcs->main;
	main->size = kcb_alloc_from_slabs(s, main->objects, s->sheaf_capacity);
	kcb_priv(s)->stats.refills++;
	if (!main->size) {
		kcb_local_unlock(&pcs_pcp(s)->lock);
		return nullptr;
	}
	return pcs;
}

/*
 * Called locked with pcs->main full: swap with an empty-enough spare, else
 * park the full main in the barn for an empty sheaf, else (barn full) flush
 * the spare back to the slabs and make it main.
 */
static __attribute__((noinline)) struct kcb_percpu_sheaves *
pcs_replace_full_main(struct kmem_cache *s, struct kcb_percpu_sheaves *pcs)
{
	struct kcb_barn *barn = &kcb_node(s)->barn;
	struct kcb_sheaf *empty;
	if (!pcs->spare) {
		empty = barn_take(&barn->sheaves_empty, &barn->nr_empty);
		if (!empty)
			empty = alloc_empty_sheaf(s);
		if (empty) {
			pcs->spare = pcs->main;
			pcs->main = empty;
			return pcs;
		}
		sheaf_flush(s, pcs->main); /* no memory for a sheaf: flush main */
		return pcs;
	}
	if (pcs->spare->size < s->sheaf_capacity) {
		struct kcb_sheaf *t = pcs->main;
		pcs->main = pcs->spare;
		pcs->spare = t;
		return pcs;
	}
	if (barn->nr_full < KCB_MAX_FULL_SHEAVES) {
		empty = barn_take(&barn->sheaves_empty, &barn->nr_empty);
		if (!empty)
			empty = alloc_empty_sheaf(s);
		if (empty) {
			barn_put_full(barn, pcs->main);
			pcs->main = empty;
			return pcs;
		}
	}
	/* barn full (or no memory): the spare goes back to the slabs */
	struct kcb_sheaf *to_flush = pcs->spare;
	sheaf_flush(s, to_flush);
	pcs->spare = pcs->main;
	pcs->main = to_flush;
	return pcs;
}

#if KCB_CONFIG_DISTRO
extern "C" void kcb_sheaves_flush_all(struct kmem_cache *s)
{
	struct kcb_barn *barn = &kcb_node(s)->barn;
	for (unsigned int cpu = 0; cpu < KCB_NR_CPUS; cpu++) {
		struct kcb_percpu_sheaves *p = (struct kcb_percpu_sheaves *)kcb_per_cpu_ptr(pcs_pcp(s), cpu);
		sheaf_flush(s, p->main);
		if (p->spare)
			sheaf_flush(s, p->spare);
	}
	struct kcb_sheaf *full;
	while ((full = barn_take(&barn->sheaves_full, &barn->nr_full))) {
		sheaf_flush(s, full);
		barn_put_empty(barn, full);
	}
}
#endif

/* __slab_alloc_node(): straight from the slabs when the sheaves fail */
static __attribute__((noinline)) void *sheaves_alloc_slowpath(struct kmem_cache *s)
{
	void *x = nullptr;
	kcb_alloc_from_slabs(s, &x, 1);
	return x;
}

/* do_slab_free(): straight to the slab */
static __attribute__((noinline)) void sheaves_free_slowpath(struct kmem_cache *s,
							    struct kcb_slab *slab, void *x)
{
	kcb_free_to_slab(s, slab, x);
}

/* ---- fast paths ---- */

static inline __attribute__((always_inline)) void *alloc_from_pcs(struct kmem_cache *s)
{
	if (!kcb_local_trylock(&pcs_pcp(s)->lock))
		return nullptr;
	struct kcb_percpu_sheaves *pcs = kcb_this_cpu_ptr(pcs_pcp(s));
	if (kcb_unlikely(pcs->main->size == 0)) {
		pcs = pcs_replace_empty_main(s, pcs);
		if (kcb_unlikely(!pcs))
			return nullptr;
	}
	struct kcb_sheaf *main = pcs->main;
	unsigned int size = main->size - 1;
	void *object = main->objects[size];
	main->size = size;
	kcb_local_unlock(&pcs_pcp(s)->lock);
	return object;
}

static inline __attribute__((always_inline)) bool free_to_pcs(struct kmem_cache *s, void *x)
{
	if (!kcb_local_trylock(&pcs_pcp(s)->lock))
		return false;
	struct kcb_percpu_sheaves *pcs = kcb_this_cpu_ptr(pcs_pcp(s));
	if (kcb_unlikely(pcs->main->size == s->sheaf_capacity)) {
		pcs = pcs_replace_full_main(s, pcs);
		if (kcb_unlikely(!pcs))
			return false;
	}
	struct kcb_sheaf *main = pcs->main;
	main->objects[main->size++] = x;
	kcb_local_unlock(&pcs_pcp(s)->lock);
	return true;
}

extern "C" void *KCB_CFG(kcb_sheaves_alloc)(struct kmem_cache *s, kcb_gfp_t gfp)
{
	unsigned int orig_size = s->object_size;
	bool init = false;

	gfp = kcb_slab_pre_alloc_hook(gfp);
	void *object = kcb_kfence_alloc_gate(s, orig_size, gfp);
	if (kcb_unlikely(object))
		goto out;
	object = alloc_from_pcs(s);
	if (kcb_unlikely(!object))
		object = sheaves_alloc_slowpath(s);
	init = kcb_want_init(s, object, gfp);
out:
	kcb_slab_post_alloc_hook(s, gfp, object, init, orig_size);
	return object;
}

extern "C" void KCB_CFG(kcb_sheaves_free)(struct kmem_cache *s, void *x)
{
	bool slow;
	struct kcb_slab *slab = kcb_slab_free_hooks(s, x, &slow);
	if (kcb_unlikely(!slab))
		return;
	/* local node and not pfmemalloc: the sheaf takes it */
	if (kcb_likely(!slow && slab->nid == kcb_numa_mem_id && !(slab->flags & KCB_PG_ACTIVE))) {
		if (kcb_likely(free_to_pcs(s, x)))
			return;
	}
	sheaves_free_slowpath(s, slab, x);
}
