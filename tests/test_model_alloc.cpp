// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation correctness of one model (argv: sheaves | cpu_slab, and for
 * cpu_slab: hardened | plain):
 *  - live objects are unique, inside the arena, aligned, never overlapping,
 *    and the allocator never writes into a live object (tags survive);
 *  - freed objects are reused;
 *  - 1,000,000 mixed alloc/free ops (deterministic PRNG, shadow set, CPU
 *    switches) drive the refill and flush slow paths;
 *  - after freeing all and shrinking, the cache owns no slab (no object lost);
 *  - freeing another cache's object (or a non-slab pointer) is detected,
 *    counted and leaked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../kernels/slub_sheaves.h" /* white-box: the private headers */

#include "kcb_check.h"

static unsigned int model;
static void *(*m_alloc)(struct kmem_cache *, kcb_gfp_t);
static void (*m_free)(struct kmem_cache *, void *);

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rng(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t tag_of(const void *p, uint64_t serial)
{
	return ((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull) ^ serial;
}

/* Tag the first and last words of a live object (and the free pointer slot). */
static void tag(struct kmem_cache *s, void *p, uint64_t serial)
{
	uint64_t t = tag_of(p, serial);
	memcpy(p, &t, sizeof(t));
	memcpy((char *)p + s->object_size - sizeof(t), &t, sizeof(t));
	memcpy((char *)p + s->offset, &t, sizeof(void *));
}

static bool tag_ok(struct kmem_cache *s, void *p, uint64_t serial)
{
	uint64_t t = tag_of(p, serial), a, b, c = 0, tc = 0;
	memcpy(&a, p, sizeof(a));
	memcpy(&b, (char *)p + s->object_size - sizeof(b), sizeof(b));
	memcpy(&c, (char *)p + s->offset, sizeof(void *));
	memcpy(&tc, &t, sizeof(void *));
	return a == t && b == t && c == tc;
}

static bool obj_ok(struct kmem_cache *s, void *p)
{
	uintptr_t a = (uintptr_t)p;
	return p && a >= kcb_arena_base && a + s->size <= kcb_arena_base + (KCB_ARENA_PAGES << KCB_PAGE_SHIFT) &&
	       a % s->align == 0;
}

static void check_unlocked(struct kmem_cache *s)
{
	CHECK(kcb_preempt_count_get() == 0, "preempt count %u after an op", kcb_preempt_count_get());
	CHECK(kcb_irqs_disabled == 0, "irqs left disabled");
	if (model == KCB_MODEL_SHEAVES) {
		auto *pcs = (struct kcb_percpu_sheaves *)kcb_per_cpu_ptr(s->cpu_sheaves, kcb_cpu_number);
		CHECK(pcs->lock.acquired == 0, "sheaves lock left acquired");
	}
}

/* unique, in-arena, aligned, non-overlapping; tags survive; freed objects reused */
static void test_basic(struct kmem_cache *s)
{
	const unsigned int n = 5000;
	std::vector<void *> objs;
	for (unsigned int i = 0; i < n; i++) {
		void *p = m_alloc(s, KCB_GFP_KERNEL);
		CHECK(obj_ok(s, p), "object %p outside the arena or misaligned", p);
		if (!p)
			return;
		tag(s, p, i);
		objs.push_back(p);
	}
	std::vector<void *> sorted(objs);
	std::sort(sorted.begin(), sorted.end());
	for (unsigned int i = 1; i < n; i++)
		CHECK((uintptr_t)sorted[i] - (uintptr_t)sorted[i - 1] >= s->size,
		      "objects %p and %p overlap", sorted[i - 1], sorted[i]);
	for (unsigned int i = 0; i < n; i++)
		CHECK(tag_ok(s, objs[i], i), "live object %p was written by the allocator", objs[i]);
	check_unlocked(s);

	/* LIFO reuse on the fast path */
	void *x = objs.back();
	m_free(s, x);
	void *y = m_alloc(s, KCB_GFP_KERNEL);
	CHECK(y == x, "a freed object is not handed out next (%p vs %p)", x, y);

	struct kcb_cache_stats st1, st2;
	kcb_cache_get_stats(s, &st1);
	for (void *p : objs)
		m_free(s, p);
	std::unordered_set<void *> old(objs.begin(), objs.end());
	unsigned int reused = 0;
	objs.clear();
	for (unsigned int i = 0; i < n; i++) {
		void *p = m_alloc(s, KCB_GFP_KERNEL);
		reused += old.count(p);
		objs.push_back(p);
	}
	kcb_cache_get_stats(s, &st2);
	/* objects never handed out before may come only from the free tails of
	 * slabs that were partly used the first time round */
	unsigned int fresh_max = (KCB_MAX_PARTIAL + KCB_NR_CPUS) * kcb_oo_objects(s->oo);
	CHECK(n - reused <= fresh_max, "only %u of %u objects reused after free", reused, n);
	CHECK(st2.slabs <= st1.slabs, "slabs grew from %lu to %lu on reuse", st1.slabs, st2.slabs);
	for (void *p : objs)
		m_free(s, p);
	printf("  basic: %u objects, %lu slabs, %u reused\n", n, st1.slabs, reused);
}

/* mixed ops against a shadow set */
static void test_mixed(struct kmem_cache *s, unsigned long ops, size_t max_live_cap)
{
	static const unsigned int phase_pct[] = {75, 25, 50, 90, 10};
	std::vector<void *> live;
	std::unordered_map<void *, uint64_t> shadow;
	shadow.reserve(1 << 16);
	unsigned long allocs = 0, frees = 0, max_live = 0, switches = 0;
	unsigned int alloc_pct = 75;
	uint64_t serial = 0;
	for (unsigned long i = 0; i < ops; i++) {
		if (i % 40000 == 0) /* phases: grow, shrink, churn */
			alloc_pct = phase_pct[(i / 40000) % 5];
		if (i % 10007 == 0 && i) { /* migrate: other CPUs' caches take part */
			kcb_set_cpu((unsigned int)(rng() % KCB_NR_CPUS));
			switches++;
		}
		bool do_alloc = live.empty() || (live.size() < max_live_cap && rng() % 100 < alloc_pct);
		if (do_alloc) {
			void *p = m_alloc(s, KCB_GFP_KERNEL);
			if (!obj_ok(s, p)) {
				CHECK(false, "op %lu: bad object %p", i, p);
				break;
			}
			if (shadow.count(p)) {
				CHECK(false, "op %lu: %p handed out twice while live", i, p);
				break;
			}
			tag(s, p, ++serial);
			shadow[p] = serial;
			live.push_back(p);
			allocs++;
			max_live = std::max<unsigned long>(max_live, live.size());
		} else {
			size_t k = rng() % live.size();
			void *p = live[k];
			live[k] = live.back();
			live.pop_back();
			CHECK(tag_ok(s, p, shadow[p]), "op %lu: live object %p corrupted", i, p);
			shadow.erase(p);
			m_free(s, p);
			frees++;
		}
		if (i % 4096 == 0)
			check_unlocked(s);
	}
	struct kcb_cache_stats st;
	kcb_cache_get_stats(s, &st);
	CHECK(st.refills > 0, "refill path never ran");
	CHECK(st.flushes > 0, "flush path never ran");
	CHECK(st.foreign_frees == 0, "%lu frees rejected", st.foreign_frees);
	printf("  mixed: %lu ops (%lu allocs, %lu frees), max live %lu, %lu cpu switches, "
	       "refills %lu, flushes %lu, slabs %lu\n",
	       ops, allocs, frees, max_live, switches, st.refills, st.flushes, st.slabs);

	for (void *p : live) {
		CHECK(tag_ok(s, p, shadow[p]), "live object %p corrupted at the end", p);
		m_free(s, p);
	}
	kcb_set_cpu(0);
	kcb_cache_shrink(s);
	kcb_cache_get_stats(s, &st);
	CHECK(st.slabs == 0, "%lu slabs left after freeing everything and shrinking", st.slabs);
	printf("  drain: all %zu remaining objects freed, slabs after shrink %lu\n", live.size(), st.slabs);
}

struct seen_free {
	unsigned int calls;
	const struct kmem_cache *s;
	const void *x;
	const char *why;
} seen;

static void record_bad_free(const struct kmem_cache *s, const void *x, const char *why)
{
	seen.calls++;
	seen.s = s;
	seen.x = x;
	seen.why = why;
}

static void test_foreign(struct kmem_cache *a, struct kmem_cache *b)
{
	struct kcb_cache_stats st;
	kcb_bad_free_hook = record_bad_free;
	void *pa = m_alloc(a, KCB_GFP_KERNEL), *pb = m_alloc(b, KCB_GFP_KERNEL);
	tag(b, pb, 7);
	m_free(a, pb);
	kcb_cache_get_stats(a, &st);
	CHECK(seen.calls == 1 && seen.s == a && seen.x == pb && strstr(seen.why, "another cache"),
	      "free of another cache's object not reported (calls %u)", seen.calls);
	CHECK(st.foreign_frees == 1, "foreign_frees %lu, want 1", st.foreign_frees);
	CHECK(tag_ok(b, pb, 7), "the rejected object was touched");
	void *pa2 = m_alloc(a, KCB_GFP_KERNEL);
	CHECK(pa2 != pb, "the rejected object was taken into the wrong cache");

	static char not_slab[256];
	m_free(a, not_slab);
	kcb_cache_get_stats(a, &st);
	CHECK(seen.calls == 2 && strstr(seen.why, "not a slab"), "free of a non-slab pointer not reported");
	CHECK(st.foreign_frees == 2, "foreign_frees %lu, want 2", st.foreign_frees);

	unsigned int calls = seen.calls;
	if (model == KCB_MODEL_CPU_SLAB && (a->flags & KCB___FREELIST_HARDENED)) {
		m_free(a, pa2);
		m_free(a, pa2); /* naive double free: hardened set_freepointer() catches it */
		CHECK(seen.calls == calls + 1 && strstr(seen.why, "double free"), "double free not caught");
		calls = seen.calls;
	} else {
		m_free(a, pa2);
	}
	m_free(a, pa);
	m_free(b, pb);
	CHECK(seen.calls == calls, "a good free was reported bad: %s", seen.why);
	printf("  foreign: %u bad frees reported, counted in stats.foreign_frees\n", seen.calls);
	kcb_bad_free_hook = nullptr;
}

/* hardened on: the stored free pointer is ptr ^ random ^ swab(&fp); off: plain */
static void test_encoding(struct kmem_cache *s)
{
	bool hardened = s->flags & KCB___FREELIST_HARDENED;
	void *x = m_alloc(s, KCB_GFP_KERNEL), *y = m_alloc(s, KCB_GFP_KERNEL);
	CHECK(kcb_virt_to_slab(x) == kcb_virt_to_slab(y), "two fresh objects on different slabs");
	m_free(s, y);
	m_free(s, x); /* cpu freelist: x -> y */
	uintptr_t addr = (uintptr_t)x + s->offset, raw;
	memcpy(&raw, (void *)addr, sizeof(raw));
	uintptr_t want = hardened ? (uintptr_t)y ^ s->random ^ kcb_swab_ulong(addr) : (uintptr_t)y;
	CHECK(raw == want, "free pointer stored as %#lx, want %#lx", (unsigned long)raw,
	      (unsigned long)want);
	CHECK(!hardened || raw != (uintptr_t)y, "hardened free pointer stored in the clear");
	CHECK(s->offset != 0 && s->offset == ((s->object_size / 2) & ~(unsigned)(sizeof(void *) - 1)),
	      "free pointer offset %u not in the middle", s->offset);
	void *a = m_alloc(s, KCB_GFP_KERNEL), *b = m_alloc(s, KCB_GFP_KERNEL);
	CHECK(a == x && b == y, "freelist order after decode: %p %p, want %p %p", a, b, x, y);
	m_free(s, a);
	m_free(s, b);
	printf("  encoding: hardened %s, offset %u, stored %#lx\n", hardened ? "on" : "off", s->offset,
	       (unsigned long)raw);
}

int main(int argc, char **argv)
{
	/* distro compiles the hardened freelist in: plain only with minimal */
	bool distro = argc < 4 || !strcmp(argv[3], "distro");
	if (argc < 2 || (strcmp(argv[1], "sheaves") && strcmp(argv[1], "cpu_slab")) ||
	    (argc > 2 && strcmp(argv[2], "hardened") && strcmp(argv[2], "plain")) ||
	    (argc > 3 && strcmp(argv[3], "distro") && strcmp(argv[3], "minimal")) ||
	    (distro && argc > 2 && !strcmp(argv[2], "plain"))) {
		fprintf(stderr, "usage: %s sheaves|cpu_slab [hardened [distro|minimal] | plain minimal]\n",
			argv[0]);
		return 2;
	}
	bool sheaves = !strcmp(argv[1], "sheaves");
	model = sheaves ? KCB_MODEL_SHEAVES : KCB_MODEL_CPU_SLAB;
	m_alloc = distro ? (sheaves ? kcb_sheaves_alloc : kcb_cpu_slab_alloc)
			 : (sheaves ? kcb_sheaves_alloc__minimal : kcb_cpu_slab_alloc__minimal);
	m_free = distro ? (sheaves ? kcb_sheaves_free : kcb_cpu_slab_free)
			: (sheaves ? kcb_sheaves_free__minimal : kcb_cpu_slab_free__minimal);
	if (argc > 2)
		kcb_freelist_hardened = !strcmp(argv[2], "hardened");
	printf("model %s, freelist hardened %s, config %s, arch %s\n", argv[1],
	       kcb_freelist_hardened ? "on" : "off", distro ? "distro" : "minimal", KCB_ARCH_NAME);

	struct kmem_cache *a = kcb_cache_create("test_a", 192, 0, model);
	struct kmem_cache *b = kcb_cache_create("test_b", 192, 0, model);
	struct kmem_cache *c = kcb_cache_create("test_c", 100, KCB_SLAB_HWCACHE_ALIGN, model);
	struct kmem_cache *d = kcb_cache_create("test_d", 1500, 0, model); /* order > 0: tail pages */
	if (!a || !b || !c || !d) {
		fprintf(stderr, "cannot create the test caches\n");
		return 1;
	}
	CHECK(kcb_oo_order(d->oo) > 0, "the 1500-byte cache should use multi-page slabs");
	test_basic(a);
	test_basic(c);
	test_basic(d);
	test_mixed(a, 1000000, 60000);
	test_mixed(d, 200000, 20000);
	test_foreign(a, b);
	if (!sheaves) {
		struct kmem_cache *e = kcb_cache_create("test_e", 192, 0, model);
		if (e)
			test_encoding(e);
		CHECK(e, "cannot create the encoding test cache");
	}
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("all checks passed\n");
	return 0;
}
