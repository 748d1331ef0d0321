/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct kmem_cache as the 7.x kernel lays it out (see shared SLUB-FASTPATH.md):
 * every field the fast paths touch sits in the first 64 bytes, at the same
 * offsets as x86-64 Linux 7.0.  Both models (sheaves, classic cpu_slab) use
 * this one struct; offset 0 is the per-CPU pointer of whichever model owns
 * the cache, offset 44 is sheaf_capacity (7.x) or cpu_partial (<= 6.19).
 *
 * The tail (name, list, kobj, random, node[]) pads the struct to the size a
 * distro config gives it, so a static instance has the kernel's footprint.
 */
#ifndef KCB_KMEM_CACHE_H
#define KCB_KMEM_CACHE_H

#include <stddef.h>
#include <stdint.h>

#ifndef KCB_NODES_SHIFT
#define KCB_NODES_SHIFT 10 /* distro default (x86-64 MAXSMP=n, NUMA=y) */
#endif
#define KCB_MAX_NUMNODES (1 << KCB_NODES_SHIFT)

#ifndef KCB_STATIC_ALIGN
#define KCB_STATIC_ALIGN 8 /* the kernel's __alignof(struct kmem_cache) */
#endif

typedef unsigned int kcb_gfp_t;
typedef unsigned int kcb_slab_flags_t;

#define KCB_GFP_KERNEL 0xcc0u
#define KCB_SLAB_ACCOUNT 0x04000000u
#define KCB_SLAB_HWCACHE_ALIGN 0x00002000u

enum kcb_model { KCB_MODEL_SHEAVES = 0, KCB_MODEL_CPU_SLAB = 1 };

struct kcb_list_head { struct kcb_list_head *next, *prev; };

struct kmem_cache {
	union {
		void *cpu_sheaves; /* 7.x: struct slub_percpu_sheaves __percpu * */
		void *cpu_slab;    /* <=6.19: struct kmem_cache_cpu __percpu * */
	};                                  /*  0 */
	kcb_slab_flags_t flags;             /*  8 (slab_flags_t is 32-bit; pad) */
	unsigned int __pad_flags;
	unsigned long min_partial;          /* 16 */
	unsigned int size;                  /* 24 */
	unsigned int object_size;           /* 28 */
	uint64_t reciprocal_size;           /* 32 (struct reciprocal_value) */
	unsigned int offset;                /* 40 free pointer offset */
	union {
		unsigned int sheaf_capacity; /* 44 (7.x) */
		unsigned int cpu_partial;    /* 44 (<=6.19) */
	};
	unsigned int oo;                    /* 48 */
	unsigned int min;                   /* 52 */
	kcb_gfp_t allocflags;               /* 56 */
	int refcount;                       /* 60 */
	/* ---- end of the first cache line on 64-bit ---- */
	void (*ctor)(void *);
	unsigned int inuse;
	unsigned int align;
	unsigned int red_left_pad;
	const char *name;
	struct kcb_list_head list;
	unsigned char kobj[64];
	unsigned long random;               /* CONFIG_SLAB_FREELIST_HARDENED */
	/* model-private state (barn, slab lists): kept by kernels/, not here */
	void *model_private;
	unsigned int model;                 /* enum kcb_model */
	unsigned int useroffset, usersize;
	/* node[MAX_NUMNODES] (7.0) / per_node[] (7.1): pointers, as in the kernel */
	void *node[KCB_MAX_NUMNODES];
};

#if UINTPTR_MAX == 0xffffffffffffffffu
static_assert(offsetof(struct kmem_cache, flags) == 8, "flags");
static_assert(offsetof(struct kmem_cache, size) == 24, "size");
static_assert(offsetof(struct kmem_cache, object_size) == 28, "object_size");
static_assert(offsetof(struct kmem_cache, offset) == 40, "offset");
static_assert(offsetof(struct kmem_cache, sheaf_capacity) == 44, "sheaf_capacity");
static_assert(offsetof(struct kmem_cache, refcount) == 60, "refcount");
#endif

#endif /* KCB_KMEM_CACHE_H */
