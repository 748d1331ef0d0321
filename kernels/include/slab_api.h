/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allocator's public API, as include/linux/slab.h exports it (public:
 * bench/, tests/ and tools/ may include it; the private headers sit beside
 * the .cpp files in kernels/).  The cache comes in as a register argument,
 * so the three ways of naming a cache differ only in the caller
 * (kernels/hotpaths.cpp).  alloc/free are implemented in
 * kernels/slub_sheaves.cpp and kernels/slub_cpu_slab.cpp, each its own
 * translation unit, never inlined into the callers (no LTO); cache set-up,
 * shrink and stats in kernels/slab_common.cpp.
 */
#ifndef KCB_SLAB_API_H
#define KCB_SLAB_API_H

#include <stddef.h>
#include <stdint.h>

#include "kmem_cache.h"

extern "C" {

/* 7.x sheaves model; distro config, and __minimal (kernels/include/kconfig.h) */
void *kcb_sheaves_alloc(struct kmem_cache *s, kcb_gfp_t gfp);
void kcb_sheaves_free(struct kmem_cache *s, void *x);
void *kcb_sheaves_alloc__minimal(struct kmem_cache *s, kcb_gfp_t gfp);
void kcb_sheaves_free__minimal(struct kmem_cache *s, void *x);

/* <= 6.17 cpu_slab model (freelist + tid, 128-bit cmpxchg) */
void *kcb_cpu_slab_alloc(struct kmem_cache *s, kcb_gfp_t gfp);
void kcb_cpu_slab_free(struct kmem_cache *s, void *x);
void *kcb_cpu_slab_alloc__minimal(struct kmem_cache *s, kcb_gfp_t gfp);
void kcb_cpu_slab_free__minimal(struct kmem_cache *s, void *x);

/*
 * Set up a cache in place (static instances, as in Al Viro's series) or
 * allocate and set one up (kmem_cache_create).  Returns 0 / NULL on failure.
 * model: enum kcb_model.  Objects are aligned to 8; with
 * KCB_SLAB_HWCACHE_ALIGN to the 64-byte line, halved while the object fits
 * in half of it, as the kernel's calculate_alignment() does.
 */
int kcb_cache_init(struct kmem_cache *s, const char *name, unsigned int object_size,
		   kcb_slab_flags_t flags, unsigned int model);
struct kmem_cache *kcb_cache_create(const char *name, unsigned int object_size,
				    kcb_slab_flags_t flags, unsigned int model);

/* Model-level checks for tests: objects on a cache's free lists and slabs. */
struct kcb_cache_stats {
	unsigned long slabs;          /* slabs owned by the cache */
	unsigned long refills;        /* slow-path refills (sheaf refill / new cpu slab) */
	unsigned long flushes;        /* slow-path flushes (sheaf flush / slab free) */
	unsigned long foreign_frees;  /* frees rejected: object of another cache */
};
void kcb_cache_get_stats(const struct kmem_cache *s, struct kcb_cache_stats *out);

/*
 * kmem_cache_shrink(): flush every CPU's sheaves / cpu slab and the barn,
 * then discard every empty slab.  With no live objects the cache then owns
 * no slab at all.  Freed slab pages are reused last-in first-out, so a shrink
 * puts a cache back into the same state every time.
 */
void kcb_cache_shrink(struct kmem_cache *s);

/* Switches of the model (defaults: hardened freelist on, kfence gate closed).
 * The distro config compiles the hardened freelist in: its fast paths need
 * caches set up with kcb_freelist_hardened on. */
extern bool kcb_freelist_hardened;

/* The static keys of the distro config (kernels/slab_hooks.cpp): init_on_alloc
 * (default on), init_on_free and kfence (default off).  Set one and patch
 * every site of it; 0, or -1 with one line on stderr. */
enum kcb_key { KCB_KEY_INIT_ON_ALLOC, KCB_KEY_INIT_ON_FREE, KCB_KEY_KFENCE };
int kcb_static_key_set(enum kcb_key key, bool enabled);
/* Patch every static key's sites to its state (boot); sites not in the form
 * their key's state needs -> *bad.  Returns the number of sites, or -1. */
int kcb_static_keys_init(unsigned int *bad);
/* How this arch's static keys are built (KCB_JUMP_LABEL_DESC) */
extern const char kcb_jump_label_desc[];
/* How this arch's this_cpu ops reach the per-CPU offset (KCB_PERCPU_DESC) */
extern const char kcb_percpu_desc[];

/*
 * What a detected bad free does: the kernel WARNs and leaks the object.
 * Tests set a hook to observe it; default prints one line to stderr.
 */
extern void (*kcb_bad_free_hook)(const struct kmem_cache *s, const void *x, const char *why);

/* The slab arena and its page metadata, whole reservations (only the
 * committed, touched parts are populated): the bench moves their pages to
 * fresh physical frames between rounds (bench/physpage.h).
 * kernels/page_alloc.cpp. */
void kcb_slab_memory(uintptr_t *arena, size_t *arena_len, uintptr_t *meta, size_t *meta_len);
/* Set before the first cache exists: reserve the arena 2 MiB aligned and ask
 * for transparent huge pages (MADV_HUGEPAGE), as the kernel's direct map
 * sits on 2 MiB / 1 GiB pages.  Whether THP backs it: bench/context.cpp. */
extern bool kcb_page_alloc_huge;

/* Reserve the arena and its metadata now (once; later calls return the
 * first answer): 0, or the errno of the failed mmap, with *bytes the size
 * asked for.  Prints nothing, so a caller can say it in one line. */
int kcb_slab_arena_reserve(size_t *bytes);

/* Entered from code built without the model's fixed registers (a
 * library's callback: libbenchmark's benchmark functions): set this CPU's
 * per-CPU offset register and return the caller's value, which
 * kcb_percpu_leave() gives back before returning.  main() is wrapped
 * already (kernels/percpu.cpp).  No-ops where no register holds it. */
unsigned long kcb_percpu_enter(void);
void kcb_percpu_leave(unsigned long caller);

} /* extern "C" */

#endif /* KCB_SLAB_API_H */
