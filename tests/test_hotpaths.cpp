// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-path registry and patched sites:
 *  - every variant built for this arch registers all five fns for both models;
 *  - after kcb_caches_init() every runtime_const/projected site decodes to its
 *    cache, and every kcb_site__* symbol, when called, returns exactly &instance;
 *  - every hot path runs (alloc + free through the real model).
 * With --unpatched: the sites are left as emitted, and verification must
 * report them all bad and kcb_consts_ready() must stay false.
 */
#include <stdio.h>
#include <string.h>

#include <set>
#include <string>

#include "hotpaths.h"
#include "runtime_const.h"

#include "kcb_check.h"

static int test_unpatched(void)
{
	CHECK(kcb_caches_init_unpatched() == 0, "cache creation failed");
	unsigned int sites = 0;
	int bad = kcb_consts_verify(&sites, false);
	CHECK(sites > 0, "this arch must have runtime_const or projected sites");
	CHECK(bad == (int)sites, "%d of %u unpatched sites verified as bad; all must be", bad, sites);
	CHECK(!kcb_consts_ready(), "kcb_consts_ready() true without patching");
	printf("unpatched: %u sites, %d rejected\n", sites, bad);
	return failures != 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--unpatched"))
		return test_unpatched();

	CHECK(kcb_caches_init() == 0, "kcb_caches_init failed");
	CHECK(kcb_consts_ready(), "sites not ready after init");
	unsigned int sites = 0;
	CHECK(kcb_consts_verify(&sites, true) == 0, "bad sites after patching");

	unsigned int n;
	const struct kcb_hotpath *const *hp = kcb_hotpaths(&n);
	std::set<std::string> have;
	unsigned int ran = 0, site_calls = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct kcb_hotpath *h = hp[i];
		have.insert(std::string(h->fn) + "/" + h->model + "/" + h->variant + "/" + h->config);
		struct kmem_cache *want = h->cache();
		switch (h->kind) {
		case KCB_HP_SITE: {
			struct kmem_cache *got = ((struct kmem_cache * (*)(void)) h->fn_ptr)();
			CHECK(got == want, "%s returned %p, want %p", h->symbol, (void *)got, (void *)want);
			site_calls++;
			break;
		}
		case KCB_HP_VOID:
			for (int r = 0; r < 1000; r++)
				((void (*)(void))h->fn_ptr)();
			break;
		case KCB_HP_CHAIN: {
			uintptr_t prev = 0;
			for (int r = 0; r < 1000; r++)
				prev = ((uintptr_t(*)(uintptr_t))h->fn_ptr)(prev);
			CHECK(prev != 0, "%s returned no object", h->symbol);
			break;
		}
		case KCB_HP_INDEXED:
			for (unsigned int r = 0; r < 1000; r++)
				((void (*)(unsigned int))h->fn_ptr)(r);
			break;
		default:
			CHECK(0, "%s has unknown kind %u", h->symbol, h->kind);
		}
		ran++;
	}

	/* completeness: KCB_TEST_VARIANTS is the variant list CMake built */
	char variants[] = KCB_TEST_VARIANTS;
	unsigned int nvariants = 0;
	for (char *v = strtok(variants, ","); v; v = strtok(NULL, ",")) {
		nvariants++;
		for (const char *m : {"sheaves", "cpu_slab"})
			for (const char *c : {"distro", "minimal"})
				for (const char *fn : {"site", "callsite", "latency", "inline_fields", "many_caches"})
					CHECK(have.count(std::string(fn) + "/" + m + "/" + v + "/" + c) ||
						      (!strcmp(fn, "site") && !strcmp(c, "minimal")),
					      "missing %s/%s/%s/%s", fn, m, v, c);
	}
	for (const char *m : {"sheaves", "cpu_slab"})
		for (const char *c : {"distro", "minimal"})
			for (const char *v : {"static_a8", "static_a64"})
				CHECK(have.count(std::string("static_align/") + m + "/" + v + "/" + c),
				      "missing static_align/%s/%s/%s", m, v, c);
	/* per variant and model: site once, four bodies per config */
	CHECK(n == nvariants * 18 + 8, "registry has %u entries, want %u", n, nvariants * 18 + 8);

	printf("%s: %u hot paths ran, %u site symbols == &instance, %u patched sites verified, %s\n",
	       KCB_ARCH_NAME, ran, site_calls, sites, KCB_RC_SEQUENCE);
	return failures != 0;
}
