// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks around both fast paths (kernels/slab.h): the switches they read
 * (gfp_allowed_mask, the kfence gate and pool, init_on_alloc/free), their
 * cold out-of-line parts (kfence, memcg), and what a rejected free does.
 */
#include <stdio.h>

#include "slab.h"

static void kcb_default_bad_free(const struct kmem_cache *s, const void *x, const char *why)
{
	fprintf(stderr, "kcache-bench: kmem_cache_free(%s, %p): %s; object leaked\n",
		s && s->name ? s->name : "?", x, why);
}

extern "C" {
/* ---- globals the fast paths read ---- */
kcb_gfp_t kcb_gfp_allowed_mask = ~0u; /* after boot: every bit allowed */
int kcb_kfence_allocation_gate = 1;   /* closed until a sample interval opens it */
char *kcb_kfence_pool;                /* no kfence pool: is_kfence_address() is false */
bool kcb_init_on_alloc;               /* init_on_alloc=0 (a boot option) */
bool kcb_init_on_free;

void (*kcb_bad_free_hook)(const struct kmem_cache *s, const void *x, const char *why) =
	kcb_default_bad_free;

/* counters of the cold hooks, for tests */
unsigned long kcb_nr_kfence_allocs, kcb_nr_memcg_hooks;
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
