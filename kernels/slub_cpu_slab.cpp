// SPDX-License-Identifier: GPL-2.0
/*
 * The classic (<= 6.17) allocator: a per-CPU {freelist, tid} pair updated
 * with a double-word this_cpu cmpxchg, free pointers inside the objects
 * (encoded when the cache is hardened).  Fast paths as in 6.x
 * slab_alloc_node() / do_slab_free(); the slow path loads a new freelist
 * from the cpu slab, a partial slab or a new slab, with irqs "off".
 * Simplification: no per-CPU partial list; partial slabs live on the node.
 */
#include "slub_cpu_slab.h"

static inline struct kcb_kmem_cache_cpu *cpu_slab_pcp(struct kmem_cache *s)
{
	return (struct kcb_kmem_cache_cpu *)s->cpu_slab;
}

static inline unsigned long next_tid(unsigned long tid)
{
	return tid + KCB_TID_STEP;
}

#if KCB_CONFIG_DISTRO /* once per binary: both configs share the caches */
extern "C" int kcb_cpu_slab_setup(struct kmem_cache *s)
{
	/* set_cpu_partial(): objects kept on per-CPU partial slabs */
	if (s->size >= KCB_PAGE_SIZE)
		s->cpu_partial = 6;
	else if (s->size >= 1024)
		s->cpu_partial = 24;
	else if (s->size >= 256)
		s->cpu_partial = 52;
	else
		s->cpu_partial = 120;
	struct kcb_kmem_cache_cpu *c = (struct kcb_kmem_cache_cpu *)kcb_alloc_percpu(
		sizeof(struct kcb_kmem_cache_cpu), alignof(struct kcb_kmem_cache_cpu));
	if (!c)
		return 0;
	for (unsigned int cpu = 0; cpu < KCB_NR_CPUS; cpu++)
		((struct kcb_kmem_cache_cpu *)kcb_per_cpu_ptr(c, cpu))->ft.tid = cpu; /* init_tid() */
	s->cpu_slab = c;
	return 1;
}
#endif

/*
 * ___slab_alloc(): take the cpu slab's own freelist (remote frees), else
 * deactivate it and freeze a partial or a new slab, then load its freelist
 * into the per-CPU pair and hand out the first object.
 */
static __attribute__((noinline)) void *cpu_slab_alloc_slowpath(struct kmem_cache *s)
{
	unsigned char irqflags = kcb_local_irq_save();
	struct kcb_kmem_cache_cpu *c = kcb_this_cpu_ptr(cpu_slab_pcp(s));
	struct kcb_slab *slab = c->slab;
	void *freelist = c->ft.freelist;

	if (freelist)
		goto load_freelist;
	if (slab) {
		freelist = slab->freelist; /* get_freelist() */
		slab->freelist = nullptr;
		slab->inuse = slab->objects;
		if (freelist)
			goto load_freelist;
		/* deactivate_slab(): it is full, so it goes on no list */
		slab->frozen = 0;
		c->slab = nullptr;
	}
	{
		struct kcb_cache_node *node = kcb_node(s);
		if (!kcb_list_empty(&node->partial)) {
			slab = (struct kcb_slab *)((char *)node->partial.next -
						   offsetof(struct kcb_slab, slab_list));
			kcb_list_del(&slab->slab_list);
			node->nr_partial--;
		} else {
			slab = kcb_new_slab(s);
			if (!slab) {
				kcb_local_irq_restore(irqflags);
				return nullptr;
			}
		}
	}
	slab->frozen = 1;
	freelist = slab->freelist;
	slab->freelist = nullptr;
	slab->inuse = slab->objects;
	c->slab = slab;
load_freelist:
	kcb_priv(s)->stats.refills++;
	c->ft.freelist = kcb_get_freepointer(s, freelist, s->flags);
	c->ft.tid = next_tid(c->ft.tid);
	kcb_local_irq_restore(irqflags);
	return freelist;
}

/* flush_cpu_slab() + deactivate_slab() on every CPU */
#if KCB_CONFIG_DISTRO
extern "C" void kcb_cpu_slab_flush_all(struct kmem_cache *s)
{
	struct kcb_cache_node *node = kcb_node(s);
	for (unsigned int cpu = 0; cpu < KCB_NR_CPUS; cpu++) {
		struct kcb_kmem_cache_cpu *c = (struct kcb_kmem_cache_cpu *)kcb_per_cpu_ptr(cpu_slab_pcp(s), cpu);
		struct kcb_slab *slab = c->slab;
		void *obj = c->ft.freelist;
		while (obj) {
			void *next = kcb_get_freepointer(s, obj, s->flags);
			kcb_set_freepointer(s, obj, slab->freelist, s->flags);
			slab->freelist = obj;
			slab->inuse--;
			obj = next;
		}
		c->ft.freelist = nullptr;
		c->ft.tid = next_tid(c->ft.tid);
		c->slab = nullptr;
		if (slab) {
			slab->frozen = 0;
			if (slab->freelist) {
				kcb_list_add_tail(&slab->slab_list, &node->partial);
				node->nr_partial++;
			}
		}
	}
}
#endif

/* __slab_free(): the object is not on this CPU's slab */
static __attribute__((noinline)) void cpu_slab_free_slowpath(struct kmem_cache *s,
							     struct kcb_slab *slab, void *x)
{
	unsigned char irqflags = kcb_local_irq_save();
	kcb_free_to_slab(s, slab, x);
	kcb_priv(s)->stats.flushes++;
	kcb_local_irq_restore(irqflags);
}

extern "C" void *KCB_CFG(kcb_cpu_slab_alloc)(struct kmem_cache *s, kcb_gfp_t gfp)
{
	unsigned int orig_size = s->object_size;
	bool init = false;
	struct kcb_kmem_cache_cpu *c;
	unsigned long tid;
	struct kcb_slab *slab;

	gfp = kcb_slab_pre_alloc_hook(gfp);
	void *object = kcb_kfence_alloc_gate(s, orig_size, gfp);
	if (kcb_unlikely(object))
		goto out;
redo:
	c = kcb_this_cpu_ptr(cpu_slab_pcp(s));
	tid = KCB_READ_ONCE(c->ft.tid);
	kcb_barrier(); /* tid first: a later cmpxchg fails if we moved */
	object = c->ft.freelist;
	slab = c->slab;
	if (kcb_unlikely(!object || !slab)) {
		object = cpu_slab_alloc_slowpath(s);
	} else {
		void *next = kcb_get_freepointer(s, object, KCB_FREELIST_FLAGS(s)); /* get_freepointer_safe() */
		if (kcb_unlikely(!kcb_this_cpu_cmpxchg_freelist(&cpu_slab_pcp(s)->ft, object, tid, next,
								next_tid(tid))))
			goto redo;
		__builtin_prefetch((char *)next + s->offset, 1); /* prefetchw() */
	}
	init = kcb_want_init(s, object, gfp);
out:
	kcb_slab_post_alloc_hook(s, gfp, object, init, orig_size);
	return object;
}

extern "C" void KCB_CFG(kcb_cpu_slab_free)(struct kmem_cache *s, void *x)
{
	bool slow;
	struct kcb_slab *slab = kcb_slab_free_hooks(s, x, &slow);
	if (kcb_unlikely(!slab))
		return;
	if (kcb_unlikely(slow)) {
		cpu_slab_free_slowpath(s, slab, x);
		return;
	}
	struct kcb_kmem_cache_cpu *c;
	unsigned long tid;
	void *freelist;
	unsigned int flags;
redo:
	c = kcb_this_cpu_ptr(cpu_slab_pcp(s));
	tid = KCB_READ_ONCE(c->ft.tid);
	kcb_barrier();
	if (kcb_unlikely(slab != c->slab)) {
		cpu_slab_free_slowpath(s, slab, x);
		return;
	}
	freelist = KCB_READ_ONCE(c->ft.freelist);
	flags = KCB_FREELIST_FLAGS(s);
	/* set_freepointer(): hardened kernels BUG on the naive double free */
	if ((flags & KCB___FREELIST_HARDENED) && kcb_unlikely(x == freelist)) {
		kcb_bad_free(s, x, "double free");
		return;
	}
	kcb_set_freepointer(s, x, freelist, flags);
	if (kcb_unlikely(!kcb_this_cpu_cmpxchg_freelist(&cpu_slab_pcp(s)->ft, freelist, tid, x,
							next_tid(tid))))
		goto redo;
}
