/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slab layer shared by both models (private to kernels/), like the kernel's
 * mm/slab.h: struct slab over the page metadata, the object -> slab lookup,
 * the free pointer encoding, the node's partial list, the hooks around both
 * fast paths, and the slow paths that carve slabs out of the page arena and
 * put objects back into them (kernels/slab.cpp; the hooks'
 * out-of-line parts kernels/slab_hooks.cpp).
 *
 * A slab of order n spans 2^n pages (kernels/page_alloc.h): the head entry
 * is the struct slab, tail entries hold compound_head = head | 1 in the
 * word that is slab_cache on the head.
 */
#ifndef KCB_SLAB_H
#define KCB_SLAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jump_label.h" /* arch/<arch>/: static keys */
#include "kconfig.h"
#include "kmem_cache.h"
#include "page_alloc.h"
#include "percpu.h"
#include "slab_api.h"

#define KCB_OO_SHIFT 16
#define KCB_OO_MASK ((1u << KCB_OO_SHIFT) - 1)
#define KCB_MIN_PARTIAL 5
#define KCB_MAX_PARTIAL 10

/* gfp bits the model looks at (values of a 6.x/7.x x86-64 build) */
#define KCB___GFP_DIRECT_RECLAIM 0x400u
#define KCB___GFP_ZERO 0x100u
#define KCB___GFP_ACCOUNT 0x400000u
#define KCB___GFP_COMP 0x40000u

/* cache flags the fast paths test */
#define KCB_SLAB_TYPESAFE_BY_RCU 0x00080000u
#define KCB_SLAB_POISON 0x00000800u
#define KCB_SLAB_DEBUG_FLAGS 0x00000d00u /* consistency, red zone, poison */
/* model-internal, like the old __CMPXCHG_DOUBLE: this cache encodes its
 * free pointers (CONFIG_SLAB_FREELIST_HARDENED was on when it was set up) */
#define KCB___FREELIST_HARDENED 0x80000000u

#define KCB_PGTY_SLAB 0xf5u /* page_type >> 24 of a slab page */
#define KCB_PG_ACTIVE (1ul << 5) /* on a slab: pfmemalloc */

/* struct slab, overlaying struct page (kcb_page) as in the kernel */
struct kcb_slab {
	unsigned long flags;
	union {
		struct kmem_cache *slab_cache; /* head page */
		unsigned long compound_head;   /* tail pages: head | 1 */
	};
	struct kcb_list_head slab_list;
	void *freelist;
	union {
		unsigned long counters;
		struct {
			unsigned int inuse : 16;
			unsigned int objects : 15;
			unsigned int frozen : 1;
		};
	};
	unsigned int page_type;
	int nid;
	unsigned long obj_exts; /* memcg vector: non-NULL only on SLAB_ACCOUNT slabs */
};
/* the kernel's SLAB_MATCH(): the fields the page allocator shares */
#define KCB_SLAB_MATCH(pg, sl) \
	static_assert(offsetof(struct kcb_page, pg) == offsetof(struct kcb_slab, sl), #sl " overlays " #pg)
KCB_SLAB_MATCH(flags, flags);
KCB_SLAB_MATCH(compound_head, slab_cache);
KCB_SLAB_MATCH(lru, slab_list);
KCB_SLAB_MATCH(page_type, page_type);
KCB_SLAB_MATCH(nid, nid);
KCB_SLAB_MATCH(memcg_data, obj_exts);
#undef KCB_SLAB_MATCH
static_assert(sizeof(struct kcb_slab) == sizeof(struct kcb_page), "struct slab overlays struct page");

/* the node's spare full and empty sheaves (sheaves model) */
struct kcb_barn {
	struct kcb_list_head sheaves_full, sheaves_empty;
	unsigned int nr_full, nr_empty;
};

/* struct kmem_cache_node, node 0 (the model has one node) */
struct kcb_cache_node {
	struct kcb_list_head partial;
	unsigned long nr_partial;
	unsigned long nr_slabs;
	struct kcb_barn barn;
};

/* What struct kmem_cache's model_private points to. */
struct kcb_cache_private {
	struct kcb_cache_node node;
	struct kcb_cache_stats stats;
	struct kmem_cache *next_created; /* slab_caches (slab_common.cpp) */
};

/* s->reciprocal_size: set by slab_common.cpp, read by slab.cpp's obj_to_index() */
struct kcb_reciprocal {
	uint32_t m;
	uint8_t sh1, sh2;
};

extern "C" {
/* gfp_allowed_mask, the kfence gate and pool, init_on_alloc/free */
extern kcb_gfp_t kcb_gfp_allowed_mask;
extern int kcb_kfence_allocation_gate; /* > 0: closed */
extern char *kcb_kfence_pool;
extern bool kcb_init_on_alloc;
extern bool kcb_init_on_free;
/* the distro config's static keys (the minimal config reads the bools above
 * and the gate) */
extern struct kcb_static_key kcb_init_on_alloc_key, kcb_init_on_free_key, kcb_kfence_allocation_key;

/* out-of-line hooks (cold): kfence, memcg; cond_resched is in percpu.h */
void *kcb_kfence_alloc(struct kmem_cache *s, unsigned int size, kcb_gfp_t gfp);
void kcb_memcg_post_alloc_hook(struct kmem_cache *s, kcb_gfp_t gfp, void *x);
void kcb_memcg_free_hook(struct kmem_cache *s, struct kcb_slab *slab, void *x);
/* A rejected free: count it, call kcb_bad_free_hook; the object is leaked. */
void kcb_bad_free(struct kmem_cache *s, const void *x, const char *why);

/* counters of the cold hooks (tests) */
extern unsigned long kcb_nr_kfence_allocs, kcb_nr_memcg_hooks;
}

KCB_DEFINE_STATIC_BRANCH(kcb_init_on_alloc_key)
KCB_DEFINE_STATIC_BRANCH(kcb_init_on_free_key)
KCB_DEFINE_STATIC_BRANCH(kcb_kfence_allocation_key)

/* init_on_free (default off): slab_want_init_on_free() */
static inline __attribute__((always_inline)) bool kcb_want_init_on_free(void)
{
#if KCB_CONFIG_DISTRO
	return kcb_unlikely(kcb_init_on_free_key_jumps());
#else
	return kcb_unlikely(kcb_init_on_free);
#endif
}

/* The flags argument of the free pointer coding: a compile-time choice in
 * the distro config, the cache's flag at run time in the minimal one. */
#if KCB_CONFIG_DISTRO
#define KCB_FREELIST_FLAGS(s) ((void)(s), KCB___FREELIST_HARDENED)
#else
#define KCB_FREELIST_FLAGS(s) ((s)->flags)
#endif

static inline struct kcb_cache_private *kcb_priv(const struct kmem_cache *s)
{
	return (struct kcb_cache_private *)s->model_private;
}

static inline struct kcb_cache_node *kcb_node(const struct kmem_cache *s)
{
	return (struct kcb_cache_node *)s->node[0];
}

static inline unsigned int kcb_oo_order(unsigned int oo) { return oo >> KCB_OO_SHIFT; }
static inline unsigned int kcb_oo_objects(unsigned int oo) { return oo & KCB_OO_MASK; }

/*
 * virt_to_slab(): vmemmap entry, then the compound-head hop; NULL when x is
 * not in a slab page (outside the arena: a bounds test the kernel has no
 * need for, kept so a bad free cannot fault the model).
 */
static inline __attribute__((always_inline)) struct kcb_slab *kcb_virt_to_slab(const void *x)
{
	uintptr_t idx = ((uintptr_t)x - kcb_arena_base) >> KCB_PAGE_SHIFT;
	if (kcb_unlikely(idx >= KCB_ARENA_PAGES))
		return nullptr;
	struct kcb_page *page = &kcb_vmemmap[idx];
	unsigned long head = KCB_READ_ONCE(page->compound_head);
	if (kcb_unlikely(head & 1))
		page = (struct kcb_page *)(head - 1);
	if (kcb_unlikely((page->page_type >> 24) != KCB_PGTY_SLAB))
		return nullptr;
	return (struct kcb_slab *)page;
}

static inline void *kcb_slab_address(const struct kcb_slab *slab)
{
	return kcb_page_address((const struct kcb_page *)slab);
}

static inline unsigned long kcb_swab_ulong(unsigned long v)
{
#if UINTPTR_MAX == 0xffffffffffffffffu
	return __builtin_bswap64(v);
#else
	return __builtin_bswap32(v);
#endif
}

/* freelist_ptr_encode/decode: ptr ^ s->random ^ swab(&free pointer) */
static inline __attribute__((always_inline)) void *
kcb_freelist_ptr(const struct kmem_cache *s, uintptr_t ptr, uintptr_t ptr_addr, unsigned int flags)
{
	if (kcb_likely(flags & KCB___FREELIST_HARDENED))
		ptr ^= s->random ^ kcb_swab_ulong(ptr_addr);
	return (void *)ptr;
}

static inline __attribute__((always_inline)) void *kcb_get_freepointer(const struct kmem_cache *s,
									 void *object, unsigned int flags)
{
	uintptr_t addr = (uintptr_t)object + s->offset;
	return kcb_freelist_ptr(s, *(uintptr_t *)addr, addr, flags);
}

static inline __attribute__((always_inline)) void kcb_set_freepointer(const struct kmem_cache *s,
									void *object, void *fp,
									unsigned int flags)
{
	uintptr_t addr = (uintptr_t)object + s->offset;
	*(uintptr_t *)addr = (uintptr_t)kcb_freelist_ptr(s, (uintptr_t)fp, addr, flags);
}

/* ---- hooks around both fast paths (mm/slub.c), written once ---- */

#define KCB_KFENCE_POOL_SIZE ((255ul + 1) * 2 * KCB_PAGE_SIZE)

/* slab_pre_alloc_hook(): gfp mask, might_alloc() -> might_resched() */
static inline __attribute__((always_inline)) kcb_gfp_t kcb_slab_pre_alloc_hook(kcb_gfp_t gfp)
{
	gfp &= kcb_gfp_allowed_mask;
#if KCB_CONFIG_DISTRO
	/* PREEMPT_DYNAMIC, voluntary: might_resched() is a static call of
	 * __cond_resched(), which tests the count and need_resched itself */
	if (gfp & KCB___GFP_DIRECT_RECLAIM)
		kcb_cond_resched();
#else
	if ((gfp & KCB___GFP_DIRECT_RECLAIM) && kcb_unlikely(KCB_READ_ONCE(kcb_need_resched)))
		kcb_cond_resched();
#endif
	return gfp;
}

/* kfence_alloc(): the gate is closed (> 0) almost always.  distro
 * (KFENCE_SAMPLE_INTERVAL=0): the key is off, the gate is never read. */
static inline __attribute__((always_inline)) void *
kcb_kfence_alloc_gate(struct kmem_cache *s, unsigned int orig_size, kcb_gfp_t gfp)
{
#if KCB_CONFIG_DISTRO
	if (kcb_likely(!kcb_kfence_allocation_key_jumps()))
		return nullptr;
#endif
	if (kcb_likely(__atomic_load_n(&kcb_kfence_allocation_gate, __ATOMIC_RELAXED) > 0))
		return nullptr;
	return kcb_kfence_alloc(s, orig_size, gfp);
}

/* maybe_wipe_obj_freeptr() + slab_want_init_on_alloc() */
static inline __attribute__((always_inline)) bool kcb_want_init(struct kmem_cache *s, void *object,
								kcb_gfp_t gfp)
{
	if (kcb_want_init_on_free() && object)
		memset((char *)object + s->offset, 0, sizeof(void *));
#if KCB_CONFIG_DISTRO
	/* INIT_ON_ALLOC_DEFAULT_ON: static_branch_likely, a nop while on */
	if (kcb_likely(!kcb_init_on_alloc_key_jumps())) {
		if (s->ctor)
			return false;
		if (s->flags & (KCB_SLAB_TYPESAFE_BY_RCU | KCB_SLAB_POISON))
			return (gfp & KCB___GFP_ZERO) != 0;
		return true;
	}
#else
	if (kcb_unlikely(kcb_init_on_alloc))
		return true;
#endif
	return (gfp & KCB___GFP_ZERO) != 0;
}

/* slab_post_alloc_hook(): init memset, memcg charge of accounted objects */
static inline __attribute__((always_inline)) void
kcb_slab_post_alloc_hook(struct kmem_cache *s, kcb_gfp_t gfp, void *object, bool init,
			 unsigned int orig_size)
{
	if (kcb_unlikely(init) && object)
		memset(object, 0, orig_size);
	if (kcb_unlikely((gfp & KCB___GFP_ACCOUNT) || (s->flags & KCB_SLAB_ACCOUNT)) && object)
		kcb_memcg_post_alloc_hook(s, gfp, object);
}

/*
 * kmem_cache_free() up to the per-CPU part: cache_from_obj() (hardened:
 * the object's slab must belong to s), memcg_slab_free_hook(),
 * slab_free_hook() (kfence_free, RCU/debug flags, init_on_free).
 * Returns the slab, or NULL when the free was rejected (leaked);
 * *slow is set when the object must go straight to its slab.
 */
static inline __attribute__((always_inline)) struct kcb_slab *
kcb_slab_free_hooks(struct kmem_cache *s, void *x, bool *slow)
{
	struct kcb_slab *slab = kcb_virt_to_slab(x);
	if (kcb_unlikely(!slab)) {
		kcb_bad_free(s, x, "not a slab object");
		return nullptr;
	}
	if (kcb_unlikely(slab->slab_cache != s)) {
		kcb_bad_free(s, x, "object of another cache");
		return nullptr;
	}
	if (kcb_unlikely(slab->obj_exts))
		kcb_memcg_free_hook(s, slab, x);
	if (kcb_unlikely((uintptr_t)x - (uintptr_t)kcb_kfence_pool < KCB_KFENCE_POOL_SIZE &&
			 kcb_kfence_pool))
		return nullptr; /* kfence_free(): never, no kfence pool is modelled */
	*slow = kcb_unlikely(s->flags & (KCB_SLAB_TYPESAFE_BY_RCU | KCB_SLAB_DEBUG_FLAGS));
	if (kcb_want_init_on_free())
		memset(x, 0, s->object_size);
	return slab;
}

/* ---- slow paths of the slab layer (kernels/slab.cpp) ---- */

/* New slab: pages from the arena, freelist built, on no list. */
struct kcb_slab *kcb_new_slab(struct kmem_cache *s);
/* Give an empty slab's pages back. */
void kcb_discard_slab(struct kmem_cache *s, struct kcb_slab *slab);
/* Pop up to n objects from partial slabs (new slabs as needed) into out[]. */
unsigned int kcb_alloc_from_slabs(struct kmem_cache *s, void **out, unsigned int n);
/* Put one object back on its slab; manages the partial list and frees
 * empty slabs beyond min_partial (the kernel's __slab_free). */
void kcb_free_to_slab(struct kmem_cache *s, struct kcb_slab *slab, void *x);

void kcb_list_add_tail(struct kcb_list_head *n, struct kcb_list_head *head);
void kcb_list_del(struct kcb_list_head *n);
static inline bool kcb_list_empty(const struct kcb_list_head *h) { return h->next == h; }
static inline void kcb_list_init(struct kcb_list_head *h) { h->next = h->prev = h; }

#endif /* KCB_SLAB_H */
