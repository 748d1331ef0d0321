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
/* distro: INIT_ON_ALLOC_DEFAULT_ON=y, INIT_ON_FREE_DEFAULT_ON=n, KFENCE with
 * SAMPLE_INTERVAL=0 ({enabled, default_on}) */
struct kcb_static_key kcb_init_on_alloc_key = {true, true};
struct kcb_static_key kcb_init_on_free_key = {false, false};
struct kcb_static_key kcb_kfence_allocation_key = {false, false};
const char kcb_jump_label_desc[] = KCB_JUMP_LABEL_DESC;

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

static struct kcb_static_key *key_of(enum kcb_key key)
{
	switch (key) {
	case KCB_KEY_INIT_ON_ALLOC:
		return &kcb_init_on_alloc_key;
	case KCB_KEY_INIT_ON_FREE:
		return &kcb_init_on_free_key;
	default:
		return &kcb_kfence_allocation_key;
	}
}

/* jump_label_init(): every site of every key to the form its state needs */
extern "C" int kcb_static_keys_init(unsigned int *bad)
{
	int a = kcb_static_key_apply(kcb_init_on_alloc_key);
	int f = kcb_static_key_apply(kcb_init_on_free_key);
	int k = kcb_static_key_apply(kcb_kfence_allocation_key);
	if (a < 0 || f < 0 || k < 0)
		return -1;
	*bad = (unsigned int)(kcb_static_key_verify(kcb_init_on_alloc_key) +
			      kcb_static_key_verify(kcb_init_on_free_key) +
			      kcb_static_key_verify(kcb_kfence_allocation_key));
	return a + f + k;
}

/* static_key_enable() / static_key_disable() */
extern "C" int kcb_static_key_set(enum kcb_key key, bool enabled)
{
	key_of(key)->enabled = enabled;
	unsigned int bad = 0;
	return kcb_static_keys_init(&bad) < 0 || bad ? -1 : 0;
}
