// SPDX-License-Identifier: GPL-2.0
/*
 * The page arena (kernels/page_alloc.h): reserve, commit on demand, hand
 * out naturally aligned blocks from a bump index or a per-order free list.
 * Single-threaded by design, like the rest of the model.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "page_alloc.h"
#include "slab_api.h"

#define KCB_COMMIT_CHUNK_PAGES 256ul /* commit 1 MiB at a time */

extern "C" {
uintptr_t kcb_arena_base;
struct kcb_page *kcb_vmemmap;
bool kcb_page_alloc_huge;
}

#define KCB_HUGE_SIZE (2ul << 20)

static uintptr_t arena_next_page;   /* bump index */
static uintptr_t arena_committed;   /* pages committed so far */
static struct kcb_page *free_pages[KCB_MAX_ORDER + 1];

extern "C" int kcb_slab_arena_reserve(size_t *bytes)
{
	static int err = -1;
	size_t arena = (size_t)KCB_ARENA_RESERVED_PAGES << KCB_PAGE_SHIFT;
	size_t meta = KCB_ARENA_PAGES * sizeof(struct kcb_page);
	*bytes = arena + meta;
	if (err >= 0)
		return err;
	/* huge: 2 MiB aligned (the slack stays reserved), THP asked for */
	size_t slack = kcb_page_alloc_huge ? KCB_HUGE_SIZE : 0;
	void *a = mmap(nullptr, arena + slack, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED)
		return err = errno;
	if (slack) {
		a = (void *)(((uintptr_t)a + KCB_HUGE_SIZE - 1) & ~(KCB_HUGE_SIZE - 1));
		if (madvise(a, arena, MADV_HUGEPAGE))
			fprintf(stderr, "kcache-bench: madvise(MADV_HUGEPAGE) on the slab arena: %s; "
				"4 KiB pages\n", strerror(errno));
	}
	void *m = mmap(nullptr, meta, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (m == MAP_FAILED) {
		err = errno;
		munmap(a, arena);
		return err;
	}
	kcb_vmemmap = (struct kcb_page *)m;
	kcb_arena_base = (uintptr_t)a;
	return err = 0;
}

bool kcb_page_alloc_init(void)
{
	size_t bytes;
	int e = kcb_slab_arena_reserve(&bytes);
	if (e)
		fprintf(stderr, "kcache-bench: cannot reserve the %zu MiB slab arena: %s\n", bytes >> 20, strerror(e));
	return !e;
}

void kcb_slab_memory(uintptr_t *arena, size_t *arena_len, uintptr_t *meta, size_t *meta_len)
{
	*arena = kcb_arena_base;
	*arena_len = kcb_arena_base ? (size_t)KCB_ARENA_RESERVED_PAGES << KCB_PAGE_SHIFT : 0;
	*meta = (uintptr_t)kcb_vmemmap;
	*meta_len = kcb_vmemmap ? KCB_ARENA_PAGES * sizeof(struct kcb_page) : 0;
}

struct kcb_page *kcb_alloc_pages(unsigned int order)
{
	uintptr_t n = 1ul << order;
	if (free_pages[order]) {
		struct kcb_page *page = free_pages[order];
		free_pages[order] = (struct kcb_page *)page->lru.next;
		page->lru.next = nullptr;
		return page;
	}
	uintptr_t idx = (arena_next_page + n - 1) & ~(n - 1); /* naturally aligned, like buddy */
	if (idx + n > KCB_ARENA_RESERVED_PAGES)
		return nullptr;
	while (idx + n > arena_committed) {
		void *chunk = (void *)(kcb_arena_base + (arena_committed << KCB_PAGE_SHIFT));
		/* whole 2 MiB units when huge, so THP can back them */
		uintptr_t n = kcb_page_alloc_huge ? KCB_HUGE_SIZE >> KCB_PAGE_SHIFT : KCB_COMMIT_CHUNK_PAGES;
		if (mprotect(chunk, n << KCB_PAGE_SHIFT, PROT_READ | PROT_WRITE)) {
			fprintf(stderr, "kcache-bench: cannot commit arena pages: %s\n", strerror(errno));
			return nullptr;
		}
		arena_committed += n;
	}
	arena_next_page = idx + n;
	return &kcb_vmemmap[idx];
}

void kcb_free_pages(struct kcb_page *page, unsigned int order)
{
	page->lru.next = (struct kcb_list_head *)free_pages[order];
	free_pages[order] = page;
}
