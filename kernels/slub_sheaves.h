/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 7.x sheaves model's per-CPU structures and its set-up / flush, which
 * only kernels/slab_common.cpp calls (private to kernels/; the code is
 * kernels/slub_sheaves.cpp).
 */
#ifndef KCB_SLUB_SHEAVES_H
#define KCB_SLUB_SHEAVES_H

#include "slab.h"

#define KCB_MAX_FULL_SHEAVES 10
#define KCB_MAX_EMPTY_SHEAVES 10

/* struct slab_sheaf (7.x): objects[] is a stack, size the top */
struct kcb_sheaf {
	union {
		struct kcb_list_head barn_list;
		struct {
			unsigned int capacity;
			bool pfmemalloc;
		};
	};
	struct kmem_cache *cache;
	unsigned int size;
	int node;
	void *objects[];
};

/* struct slub_percpu_sheaves (7.x) */
struct kcb_percpu_sheaves {
	struct kcb_local_trylock lock;
	struct kcb_sheaf *main;  /* never NULL when unlocked */
	struct kcb_sheaf *spare; /* empty or full, may be NULL */
	struct kcb_sheaf *rcu_free;
};

extern "C" {
/* sheaf capacity and per-CPU sheaves of a new cache: 1, or 0 out of memory */
int kcb_sheaves_setup(struct kmem_cache *s);
/* kmem_cache_shrink()'s part: every CPU's sheaves and the barn back to slabs */
void kcb_sheaves_flush_all(struct kmem_cache *s);
}

#endif /* KCB_SLUB_SHEAVES_H */
