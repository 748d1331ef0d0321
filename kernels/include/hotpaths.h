/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of hot-path symbols.  Every instantiation in
 * kernels/hotpaths.cpp adds one entry to the linker section
 * kcb_hotpath_table, so the bench, the tests and tools/ see exactly what was
 * built for this arch, with no central list to keep in step.
 *
 * Symbol names: kcb_<fn>__<model>__<variant>, e.g.
 * kcb_callsite__sheaves__static, for the distro config, and
 * kcb_<fn>__<model>__<variant>__minimal (kernels/include/kconfig.h).  fn is one of
 *   site          returns the materialised cache address (nothing else):
 *                 isolates the per-call-site bytes for tools/
 *   callsite      caller materialises s, calls alloc, materialises, calls free
 *   latency       same, but s is made data-dependent on the previous result
 *   inline_fields the caller also reads s->object_size and s->flags
 *   many_caches   16 distinct caches, one call site each, picked by index
 *   static_align  callsite on a static instance at 8 or 64 byte alignment
 */
#ifndef KCB_HOTPATHS_H
#define KCB_HOTPATHS_H

#include <stddef.h>
#include <stdint.h>
#include "slab_api.h" /* kcb_slab_memory, for the bench's users of the registry */

#define KCB_NR_CACHES 16

enum kcb_hp_kind {
	KCB_HP_SITE,    /* struct kmem_cache *(*)(void) */
	KCB_HP_VOID,    /* void (*)(void) */
	KCB_HP_CHAIN,   /* uintptr_t (*)(uintptr_t prev) */
	KCB_HP_INDEXED, /* void (*)(unsigned int idx) */
};

struct kcb_hotpath {
	const char *symbol;  /* exact ELF symbol name */
	const char *fn;      /* site, callsite, latency, inline_fields, many_caches, static_align */
	const char *model;   /* sheaves, cpu_slab */
	const char *variant; /* pointer, runtime_const[_zba|_zbkb], projected, static[_a8|_a64] */
	const char *config;  /* distro, minimal */
	const char *note;    /* "" or e.g. "projected (no kernel support)" */
	unsigned int kind;   /* enum kcb_hp_kind */
	void *fn_ptr;
	/* cold_pointer: the line a pointer-loading variant reads first; NULL when
	 * the variant loads no pointer (the bench then evicts a dummy line). */
	const void *pointer_line;
	/* the cache (index 0; many_caches: the first of 16) this path names */
	struct kmem_cache *(*cache)(void);
};

extern "C" {
/* All entries, in link order; *n receives the count. */
const struct kcb_hotpath *const *kcb_hotpaths(unsigned int *n);
/* Create every cache, assign the pointers, patch and verify all
 * runtime_const / projected sites.  Returns 0, or -1 with one line on stderr. */
int kcb_caches_init(void);
/* Test hook: create the caches but leave the sites unpatched. */
int kcb_caches_init_unpatched(void);
/* Number of sites that do not decode to their symbol's value (0 = all good);
 * also counts sites when not patched at all.  *nsites receives the total. */
int kcb_consts_verify(unsigned int *nsites, bool verbose);
/* true once kcb_caches_init() patched and verified every site */
bool kcb_consts_ready(void);
/*
 * Shrink every cache back to its canonical state.  A tight alloc/free loop
 * reuses one object (LIFO); which object, and so how its address aliases
 * the stack and the metadata, depends on the history.  The bench resets
 * before each record so every variant, every run, starts from the same state.
 */
void kcb_caches_reset(void);

/* Empty bodies with the same signatures, for loop-overhead subtraction. */
void kcb_empty__void(void);
uintptr_t kcb_empty__chain(uintptr_t prev);
void kcb_empty__indexed(unsigned int idx);

/* A line nothing else touches: evicted in cold_pointer for variants that
 * load no pointer, so every variant pays the same eviction work. */
extern unsigned char kcb_cold_dummy_line[64];
}

#endif
