/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cache instances the hot paths name, per model M (sheaves, cpu_slab)
 * and index K (0..15):
 *   kcb_static_M_K     statically allocated instance, KCB_STATIC_ALIGN
 *   kcb_cachep_M_K     assign-once pointer (__ro_after_init); runtime_const_ptr()
 *                      patches its value into code, as the kernel does.
 * The pointer holds &kcb_static_M_K: all three variants reach the very same
 * instance, so a difference between them is the way of naming it and not
 * where the instance happens to sit (heap vs .bss aliasing, line splits).
 * Placement is measured on its own by static_align.
 *   kcb_static_M_a8 / kcb_static_M_a64   static_align pair: the a8 one is
 *                      placed at 8 mod 64, so it really starts mid-line
 */
#ifndef KCB_CACHES_H
#define KCB_CACHES_H

#include "kmem_cache.h"

#define KCB_FOR_EACH_INDEX(X, m) \
	X(m, 0) X(m, 1) X(m, 2) X(m, 3) X(m, 4) X(m, 5) X(m, 6) X(m, 7) \
	X(m, 8) X(m, 9) X(m, 10) X(m, 11) X(m, 12) X(m, 13) X(m, 14) X(m, 15)
#define KCB_FOR_EACH_CACHE(X) KCB_FOR_EACH_INDEX(X, sheaves) KCB_FOR_EACH_INDEX(X, cpu_slab)

/* Object size of every cache: a small, dentry-like object (sheaf capacity 60). */
#define KCB_OBJECT_SIZE 192

struct kcb_static_a8_holder {
	alignas(64) unsigned char pad[8];
	struct kmem_cache cache;
};

extern "C" {
#define KCB_DECLARE_CACHE(m, k) \
	extern struct kmem_cache *kcb_cachep_##m##_##k; \
	extern struct kmem_cache kcb_static_##m##_##k;
KCB_FOR_EACH_CACHE(KCB_DECLARE_CACHE)
#undef KCB_DECLARE_CACHE
extern struct kcb_static_a8_holder kcb_static_sheaves_a8, kcb_static_cpu_slab_a8;
extern struct kmem_cache kcb_static_sheaves_a64, kcb_static_cpu_slab_a64;
}

#endif
