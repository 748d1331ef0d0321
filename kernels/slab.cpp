// SPDX-License-Identifier: GPL-2.0
/*
 * Slab pages and their freelists (kernels/slab.h), under both fast-path
 * models: a new slab carved out of the page arena with its freelist built,
 * an empty one given back, objects popped from the node's partial slabs and
 * put back on their slab (the kernel's __slab_free), and the list helpers.
 * Single-threaded by design: no list_lock is modelled.
 */
#include <string.h>

#include "slab.h"

/* ---- lists ---- */

void kcb_list_add_tail(struct kcb_list_head *n, struct kcb_list_head *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

void kcb_list_del(struct kcb_list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = nullptr;
}

/* ---- slabs ---- */

struct kcb_slab *kcb_new_slab(struct kmem_cache *s)
{
	unsigned int order = kcb_oo_order(s->oo), objects = kcb_oo_objects(s->oo);
	struct kcb_slab *slab = (struct kcb_slab *)kcb_alloc_pages(order);
	if (!slab)
		return nullptr;
	memset(slab, 0, sizeof(*slab) << order);
	for (unsigned int i = 1; i < (1u << order); i++)
		slab[i].compound_head = (uintptr_t)slab | 1;
	slab->flags = order ? KCB_PG_HEAD : 0;
	slab->slab_cache = s;
	slab->page_type = KCB_PGTY_SLAB << 24;
	slab->nid = 0;
	slab->objects = objects;
	slab->inuse = 0;
	slab->frozen = 0;
	if (s->flags & KCB_SLAB_ACCOUNT)
		slab->obj_exts = 1; /* stands for the memcg vector */
	/* freelist in address order (CONFIG_SLAB_FREELIST_RANDOM not modelled) */
	char *base = (char *)kcb_slab_address(slab);
	void *next = nullptr;
	for (unsigned int i = objects; i-- > 0;) {
		void *obj = base + (size_t)i * s->size;
		kcb_set_freepointer(s, obj, next, s->flags);
		next = obj;
	}
	slab->freelist = next;
	kcb_node(s)->nr_slabs++;
	kcb_priv(s)->stats.slabs = kcb_node(s)->nr_slabs;
	return slab;
}

void kcb_discard_slab(struct kmem_cache *s, struct kcb_slab *slab)
{
	unsigned int order = kcb_oo_order(s->oo);
	memset(slab, 0, sizeof(*slab) << order);
	kcb_free_pages((struct kcb_page *)slab, order);
	kcb_node(s)->nr_slabs--;
	kcb_priv(s)->stats.slabs = kcb_node(s)->nr_slabs;
}

/* ---- objects between the slabs and the per-CPU caches ---- */

unsigned int kcb_alloc_from_slabs(struct kmem_cache *s, void **out, unsigned int n)
{
	struct kcb_cache_node *node = kcb_node(s);
	unsigned int got = 0;
	while (got < n) {
		struct kcb_slab *slab;
		if (kcb_list_empty(&node->partial)) {
			slab = kcb_new_slab(s);
			if (!slab)
				break;
			kcb_list_add_tail(&slab->slab_list, &node->partial);
			node->nr_partial++;
		} else {
			slab = (struct kcb_slab *)((char *)node->partial.next -
						   offsetof(struct kcb_slab, slab_list));
		}
		while (got < n && slab->freelist) {
			void *obj = slab->freelist;
			slab->freelist = kcb_get_freepointer(s, obj, s->flags);
			slab->inuse++;
			out[got++] = obj;
		}
		if (!slab->freelist) { /* full slabs are on no list */
			kcb_list_del(&slab->slab_list);
			node->nr_partial--;
		}
	}
	return got;
}

/* reciprocal_divide() with the value slab_common.cpp stored in s->reciprocal_size */
static uint32_t obj_to_index(const struct kmem_cache *s, uint32_t off)
{
	struct kcb_reciprocal r;
	memcpy(&r, &s->reciprocal_size, sizeof(r));
	uint32_t t = (uint32_t)(((uint64_t)off * r.m) >> 32);
	return (t + ((off - t) >> r.sh1)) >> r.sh2;
}

void kcb_free_to_slab(struct kmem_cache *s, struct kcb_slab *slab, void *x)
{
	struct kcb_cache_node *node = kcb_node(s);
	uint32_t off = (uint32_t)((uintptr_t)x - (uintptr_t)kcb_slab_address(slab));
	uint32_t idx = obj_to_index(s, off);
	if (idx >= slab->objects || idx * s->size != off) {
		kcb_bad_free(s, x, "not the start of an object");
		return;
	}
	bool was_full = !slab->freelist;
	kcb_set_freepointer(s, x, slab->freelist, s->flags);
	slab->freelist = x;
	slab->inuse--;
	if (slab->frozen) /* a cpu slab: it stays with its CPU */
		return;
	if (!slab->inuse && node->nr_partial >= s->min_partial) {
		if (!was_full) {
			kcb_list_del(&slab->slab_list);
			node->nr_partial--;
		}
		kcb_discard_slab(s, slab);
		return;
	}
	if (was_full) {
		kcb_list_add_tail(&slab->slab_list, &node->partial);
		node->nr_partial++;
	}
}
