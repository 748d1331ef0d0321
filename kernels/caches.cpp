// SPDX-License-Identifier: GPL-2.0
/*
 * The cache instances, their set-up, and the boot-time patching of every
 * runtime_const (and projected) site, as the kernel does in
 * vfs_caches_init_early(): create the cache, store the pointer, then
 * runtime_const_init() rewrites each site with the pointer's value.
 */
#include <stdio.h>

#include "caches.h"
#include "hotpaths.h"
#include "runtime_const.h"
#include "slab_api.h"

extern "C" {
/*
 * __ro_after_init in the kernel: assigned once during init, read-only after.
 * The kernel's .data..ro_after_init is an output section of its own (page
 * aligned, RO_AFTER_INIT_DATA), so the pointers share lines only with other
 * ro_after_init data.  A plain ".data..ro_after_init" would be merged into
 * .data by the user-space linker script, next to the allocator's own hot
 * globals (gfp_allowed_mask, the kfence gate): loading the pointer would
 * then warm the line the allocator reads next.  So: an orphan section of
 * its own, 64-byte aligned by the anchor below.
 */
__attribute__((section("kcb_ro_after_init"), aligned(64), used)) char kcb_ro_after_init_start[0];
#define KCB_DEFINE_CACHE(m, k)                                                   \
	__attribute__((section("kcb_ro_after_init"))) struct kmem_cache *kcb_cachep_##m##_##k; \
	alignas(KCB_STATIC_ALIGN) struct kmem_cache kcb_static_##m##_##k;
KCB_FOR_EACH_CACHE(KCB_DEFINE_CACHE)
#undef KCB_DEFINE_CACHE
struct kcb_static_a8_holder kcb_static_sheaves_a8, kcb_static_cpu_slab_a8;
alignas(64) struct kmem_cache kcb_static_sheaves_a64, kcb_static_cpu_slab_a64;
alignas(64) unsigned char kcb_cold_dummy_line[64];


extern const struct kcb_hotpath *const __start_kcb_hotpath_table[] __attribute__((weak));
extern const struct kcb_hotpath *const __stop_kcb_hotpath_table[] __attribute__((weak));
}

static_assert(offsetof(struct kcb_static_a8_holder, cache) % 64 == 8, "a8 instance must start mid-line");

static bool consts_ready;

const struct kcb_hotpath *const *kcb_hotpaths(unsigned int *n)
{
	*n = (unsigned int)(__stop_kcb_hotpath_table - __start_kcb_hotpath_table);
	return __start_kcb_hotpath_table;
}

static int create_caches(void)
{
	int bad = 0;
#define KCB_CREATE(m, k)                                                                  \
	bad |= !kcb_cache_init(&kcb_static_##m##_##k, "static_" #m "_" #k, KCB_OBJECT_SIZE, 0, \
			       KCB_MODEL_##m);                                           \
	kcb_cachep_##m##_##k = &kcb_static_##m##_##k;
#define KCB_MODEL_sheaves KCB_MODEL_SHEAVES
#define KCB_MODEL_cpu_slab KCB_MODEL_CPU_SLAB
	KCB_FOR_EACH_CACHE(KCB_CREATE)
#undef KCB_CREATE
	bad |= !kcb_cache_init(&kcb_static_sheaves_a8.cache, "static_sheaves_a8", KCB_OBJECT_SIZE, 0,
			       KCB_MODEL_SHEAVES);
	bad |= !kcb_cache_init(&kcb_static_sheaves_a64, "static_sheaves_a64", KCB_OBJECT_SIZE, 0,
			       KCB_MODEL_SHEAVES);
	bad |= !kcb_cache_init(&kcb_static_cpu_slab_a8.cache, "static_cpu_slab_a8", KCB_OBJECT_SIZE, 0,
			       KCB_MODEL_CPU_SLAB);
	bad |= !kcb_cache_init(&kcb_static_cpu_slab_a64, "static_cpu_slab_a64", KCB_OBJECT_SIZE, 0,
			       KCB_MODEL_CPU_SLAB);
	if (bad) {
		fprintf(stderr, "kcache-bench: creating the caches failed\n");
		return -1;
	}
	return 0;
}

/* Returns -1 when any site could not be patched (the fixup said why). */
static int patch_consts(void)
{
	int bad = 0;
#define KCB_PATCH(m, k) bad |= runtime_const_init(ptr, kcb_cachep_##m##_##k) < 0;
	KCB_FOR_EACH_CACHE(KCB_PATCH)
#undef KCB_PATCH
#if KCB_HAVE_PROJECTED_CONST
#define KCB_PATCH(m, k) bad |= projected_const_init(ptr, kcb_cachep_##m##_##k) < 0;
	KCB_FOR_EACH_CACHE(KCB_PATCH)
#undef KCB_PATCH
#endif
	return bad ? -1 : 0;
}

int kcb_consts_verify(unsigned int *nsites, bool verbose)
{
	unsigned int sites = 0;
	int bad = 0;
	(void)verbose;
#if KCB_HAVE_RUNTIME_CONST
#define KCB_VERIFY(m, k)                                                      \
	sites += runtime_const_sites(kcb_cachep_##m##_##k);                   \
	bad += runtime_const_verify(ptr, kcb_cachep_##m##_##k);
	KCB_FOR_EACH_CACHE(KCB_VERIFY)
#undef KCB_VERIFY
#endif
#if KCB_HAVE_PROJECTED_CONST
#define KCB_VERIFY(m, k)                                                      \
	sites += projected_const_sites(kcb_cachep_##m##_##k);                 \
	bad += projected_const_verify(ptr, kcb_cachep_##m##_##k);
	KCB_FOR_EACH_CACHE(KCB_VERIFY)
#undef KCB_VERIFY
#endif
	if (nsites)
		*nsites = sites;
	return bad;
}

int kcb_caches_init_unpatched(void)
{
	consts_ready = false;
	return create_caches();
}

int kcb_caches_init(void)
{
	if (create_caches())
		return -1;
	if (patch_consts())
		return -1;
	unsigned int sites = 0;
	int bad = kcb_consts_verify(&sites, true);
	if (bad) {
		fprintf(stderr, "kcache-bench: %d of %u patched sites do not decode to their cache address\n",
			bad, sites);
		return -1;
	}
	consts_ready = true;
	return 0;
}

void kcb_caches_reset(void)
{
#define KCB_SHRINK(m, k) kcb_cache_shrink(&kcb_static_##m##_##k);
	KCB_FOR_EACH_CACHE(KCB_SHRINK)
#undef KCB_SHRINK
	kcb_cache_shrink(&kcb_static_sheaves_a8.cache);
	kcb_cache_shrink(&kcb_static_sheaves_a64);
	kcb_cache_shrink(&kcb_static_cpu_slab_a8.cache);
	kcb_cache_shrink(&kcb_static_cpu_slab_a64);
}

bool kcb_consts_ready(void)
{
	return consts_ready;
}
