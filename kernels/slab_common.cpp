// SPDX-License-Identifier: GPL-2.0
/*
 * What both models share above their fast paths, as the kernel's
 * mm/slab_common.c: cache set-up (sizes, order, free pointer offset,
 * random; kmem_cache_create), shrink, and the stats the tests read.  The
 * only caller of the models' set-up and flush (kernels/slub_*.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slub_cpu_slab.h"
#include "slub_sheaves.h"

#ifndef KCB_FREELIST_HARDENED_DEFAULT
#define KCB_FREELIST_HARDENED_DEFAULT 1
#endif

extern "C" {
bool kcb_freelist_hardened = KCB_FREELIST_HARDENED_DEFAULT;
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

/* jump_label_init() runs before kmem_cache_init(): the distro fast paths'
 * static-key sites are patched before the first cache exists */
static bool static_keys_ready(void)
{
	static int done;
	unsigned int bad = 0;
	if (done)
		return done > 0;
	done = kcb_static_keys_init(&bad) >= 0 && !bad ? 1 : -1;
	if (done < 0)
		fprintf(stderr, "kcache-bench: static keys: %u sites not in their key's form\n", bad);
	return done > 0;
}

extern "C" int kcb_cache_init(struct kmem_cache *s, const char *name, unsigned int object_size,
			      kcb_slab_flags_t flags, unsigned int model)
{
	if (!s || !object_size || object_size > KCB_MAX_OBJECT_SIZE ||
	    (model != KCB_MODEL_SHEAVES && model != KCB_MODEL_CPU_SLAB)) {
		fprintf(stderr, "kcache-bench: kcb_cache_init(%s): bad object size %u or model %u\n",
			name ? name : "?", object_size, model);
		return 0;
	}
	if (!kcb_page_alloc_init() || !static_keys_ready())
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

/* Every cache kcb_cache_create() made, like the kernel's slab_caches list:
 * there is no destroy, so they live until exit, reachable (LeakSanitizer
 * rightly calls an unreachable one a leak). */
static struct kmem_cache *slab_caches;

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
	kcb_priv(s)->next_created = slab_caches;
	slab_caches = s;
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
