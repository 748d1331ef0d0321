/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page allocator under the slab layer (private to kernels/; the code is
 * kernels/page_alloc.cpp), like the kernel's buddy allocator and vmemmap,
 * without the buddies.
 *
 * Memory: one big arena reserved PROT_NONE at start-up and committed in
 * chunks on demand; its page metadata is a vmemmap-like array of struct
 * kcb_page (64 bytes on 64-bit) indexed by (addr - arena_base) >>
 * PAGE_SHIFT.  A block of order n is 2^n pages, naturally aligned; freed
 * blocks are reused last-in first-out, so the same frees and allocations
 * hand out the same pages every time.
 */
#ifndef KCB_PAGE_ALLOC_H
#define KCB_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "kmem_cache.h" /* struct kcb_list_head */

#define KCB_PAGE_SHIFT 12
#define KCB_PAGE_SIZE (1ul << KCB_PAGE_SHIFT)
#if UINTPTR_MAX == 0xffffffffffffffffu
#define KCB_ARENA_SHIFT 33 /* 8 GiB: the range virt_to_slab() accepts */
#else
#define KCB_ARENA_SHIFT 29 /* 512 MiB: room in a 32-bit address space */
#endif
#define KCB_ARENA_PAGES (1ul << (KCB_ARENA_SHIFT - KCB_PAGE_SHIFT))
/* What of it is reserved, committed on demand: a kcb_bench run commits
 * 1 MiB (48 pages used), the model tests a few MiB; reserving all 8 GiB
 * only failed under a smaller `ulimit -v`.  The page metadata still covers
 * KCB_ARENA_PAGES, so every page virt_to_slab() accepts has an entry. */
#define KCB_ARENA_RESERVED_PAGES (1ul << (28 - KCB_PAGE_SHIFT))
#define KCB_MAX_ORDER 3 /* PAGE_ALLOC_COSTLY_ORDER: the largest block, slub_max_order */

#define KCB_PG_HEAD (1ul << 6) /* head page of a block of order > 0 */

/*
 * struct page: what the page allocator knows of a page.  The owner of a
 * block overlays its own struct on it (struct kcb_slab, kernels/slab.h,
 * which checks that the shared fields line up).
 */
struct kcb_page {
	unsigned long flags;
	unsigned long compound_head;  /* tail pages: head | 1 */
	struct kcb_list_head lru;     /* free blocks: the next one, singly linked */
	unsigned long owner_words[2]; /* the owner's (a slab: freelist, counters) */
	unsigned int page_type;
	int nid;
	unsigned long memcg_data;
};
#if UINTPTR_MAX == 0xffffffffffffffffu
static_assert(sizeof(struct kcb_page) == 64, "64-byte struct page, as in the kernel");
#endif

extern "C" {
/* page_offset_base / vmemmap_base: globals, as with KASLR on x86-64 */
extern uintptr_t kcb_arena_base;
extern struct kcb_page *kcb_vmemmap;
}

/* Reserve the arena and map its metadata, once; false with one line on stderr. */
bool kcb_page_alloc_init(void);
/* A block of 2^order pages (metadata of the head page), or NULL. */
struct kcb_page *kcb_alloc_pages(unsigned int order);
/* Give a block back; its metadata must be zeroed already. */
void kcb_free_pages(struct kcb_page *page, unsigned int order);

static inline void *kcb_page_address(const struct kcb_page *page)
{
	return (void *)(kcb_arena_base + ((uintptr_t)(page - kcb_vmemmap) << KCB_PAGE_SHIFT));
}

#endif /* KCB_PAGE_ALLOC_H */
