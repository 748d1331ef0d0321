/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classic (<= 6.19) cpu_slab model's per-CPU structure and its set-up /
 * flush, which only kernels/slab_common.cpp calls (private to kernels/;
 * the code is kernels/slub_cpu_slab.cpp).
 */
#ifndef KCB_SLUB_CPU_SLAB_H
#define KCB_SLUB_CPU_SLAB_H

#include "slab.h"

/* struct kmem_cache_cpu (<= 6.19) */
struct kcb_kmem_cache_cpu {
	struct kcb_freelist_tid ft; /* freelist, tid: one double word */
	struct kcb_slab *slab;      /* the cpu slab (frozen) */
	struct kcb_slab *partial;   /* unused: this model keeps partial slabs on the node */
};

extern "C" {
/* cpu_partial and the per-CPU {freelist, tid} of a new cache: 1, or 0 out of memory */
int kcb_cpu_slab_setup(struct kmem_cache *s);
/* kmem_cache_shrink()'s part: every CPU's cpu slab deactivated */
void kcb_cpu_slab_flush_all(struct kmem_cache *s);
}

#endif /* KCB_SLUB_CPU_SLAB_H */
