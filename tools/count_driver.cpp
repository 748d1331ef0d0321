// SPDX-License-Identifier: GPL-2.0
/*
 * kcb_count: the driver the QEMU instruction count runs (tools/kcb_qemu.py,
 * plugin tools/qemu_plugin/).  For every registered hot path, and for the
 * empty bodies, it runs the op N and 2N times, each run between a call to
 * kcb_count_begin() and kcb_count_end(); the plugin recognises those two by
 * address and counts the instructions executed in between.  Then
 *   per op = (count(2N) - count(N)) / N
 * and the loop's own instructions are removed with the empty body's window.
 * One line per window on stdout, in execution order:
 *   window <i> <symbol> <fn> <model> <variant> <ops>
 * Usage: kcb_count [-n N]   (N a multiple of 16, so many_caches covers all
 * 16 caches equally in both runs; default 64)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotpaths.h"

/* Distinct bodies, so no identical-code folding can merge the markers. */
static volatile unsigned int kcb_count_sink;
extern "C" __attribute__((noinline, used)) void kcb_count_begin(void) { kcb_count_sink = 1; }
extern "C" __attribute__((noinline, used)) void kcb_count_end(void) { kcb_count_sink = 2; }
/* Empty body for the site kind (hotpaths.h has void/chain/indexed ones). */
extern "C" __attribute__((noinline, used)) struct kmem_cache *kcb_count_empty_site(void)
{
	__asm__ volatile("" ::: "memory");
	return nullptr;
}

typedef struct kmem_cache *(*site_fn)(void);
typedef void (*void_fn)(void);
typedef uintptr_t (*chain_fn)(uintptr_t);
typedef void (*indexed_fn)(unsigned int);

/* One loop per kind, the same code for a hot path and its empty body, so the
 * empty window measures exactly this loop's overhead. */
static __attribute__((noinline)) void run_op(unsigned int kind, void *fp, unsigned int n)
{
	switch (kind) {
	case KCB_HP_SITE: {
		uintptr_t acc = 0;
		for (unsigned int i = 0; i < n; i++)
			acc += (uintptr_t)((site_fn)fp)();
		kcb_count_sink = (unsigned int)acc;
		break;
	}
	case KCB_HP_VOID:
		for (unsigned int i = 0; i < n; i++)
			((void_fn)fp)();
		break;
	case KCB_HP_CHAIN: {
		uintptr_t prev = 0;
		for (unsigned int i = 0; i < n; i++)
			prev = ((chain_fn)fp)(prev);
		kcb_count_sink = (unsigned int)prev;
		break;
	}
	case KCB_HP_INDEXED:
		for (unsigned int i = 0; i < n; i++)
			((indexed_fn)fp)(i);
		break;
	}
}

static unsigned int window_no;

static void measure(const char *symbol, const char *fn, const char *model, const char *variant,
		    unsigned int kind, void *fp, unsigned int n)
{
	run_op(kind, fp, 4 * n); /* warm: slow-path refills happen here, not in a window */
	for (unsigned int mult = 1; mult <= 2; mult++) {
		kcb_count_begin();
		run_op(kind, fp, mult * n);
		kcb_count_end();
		printf("window %u %s %s %s %s %u\n", window_no++, symbol, fn, model, variant, mult * n);
	}
}

int main(int argc, char **argv)
{
	unsigned int n = 64, nhp = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			n = (unsigned int)strtoul(argv[++i], nullptr, 0);
		} else {
			fprintf(stderr, "usage: kcb_count [-n N]\n");
			return 2;
		}
	}
	if (n == 0 || n % 16 || n > (1u << 20)) {
		fprintf(stderr, "kcb_count: N must be a positive multiple of 16 (<= 2^20)\n");
		return 2;
	}
	if (kcb_caches_init() != 0)
		return 1; /* it printed why */
	if (!kcb_consts_ready()) {
		fprintf(stderr, "kcb_count: runtime_const sites not patched/verified; refusing to count\n");
		return 1;
	}
	const struct kcb_hotpath *const *hp = kcb_hotpaths(&nhp);

	measure("kcb_count_empty_site", "empty", "-", "site", KCB_HP_SITE, (void *)&kcb_count_empty_site, n);
	measure("kcb_empty__void", "empty", "-", "void", KCB_HP_VOID, (void *)&kcb_empty__void, n);
	measure("kcb_empty__chain", "empty", "-", "chain", KCB_HP_CHAIN, (void *)&kcb_empty__chain, n);
	measure("kcb_empty__indexed", "empty", "-", "indexed", KCB_HP_INDEXED, (void *)&kcb_empty__indexed, n);
	for (unsigned int i = 0; i < nhp; i++)
		measure(hp[i]->symbol, hp[i]->fn, hp[i]->model, hp[i]->variant, hp[i]->kind, hp[i]->fn_ptr, n);
	fflush(stdout);
	return 0;
}
