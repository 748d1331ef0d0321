/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three cache-reference policies.  A hot path is written once against
 * a policy R and gets the cache from R::get(); R::get_dep(z) yields the same
 * cache but makes its materialisation depend on z (a zero derived from the
 * previous op in kcb_dep_zero(), arch/<arch>/cpu.h):
 *   pointer:        s = *(&cachep + z): the load cannot issue before the
 *                   previous op is done;
 *   runtime_const:  s = imm + z;
 *   static:         s = &instance + z.
 * Without this an out-of-order core would hoist the pointer load off the
 * critical path and the latency scenario would hide exactly what it measures.
 * kcb_add_dep() does the "+ z" as one register add in every variant (the
 * empty asm stops the compiler folding it into the pointer load's address
 * mode), so the scaffolding costs the same everywhere and pointer - static
 * is exactly the load.
 */
#ifndef KCB_CACHE_REF_H
#define KCB_CACHE_REF_H

#include <stdint.h>
#include "caches.h"
#include "cpu.h"
#include "runtime_const.h"

static inline __attribute__((always_inline)) uintptr_t kcb_add_dep(uintptr_t base, uintptr_t z)
{
	__asm__("" : "+r"(base));
	uintptr_t a = base + z;
	__asm__("" : "+r"(a));
	return a;
}


#define KCB_REF_STRUCTS(m, k)                                                       \
	struct PointerRef_##m##_##k {                                                  \
		static struct kmem_cache *get() { return kcb_cachep_##m##_##k; }         \
		static struct kmem_cache *get_dep(uintptr_t z)                            \
		{                                                                         \
			return *(struct kmem_cache *const *)kcb_add_dep((uintptr_t)&kcb_cachep_##m##_##k, z); \
		}                                                                         \
		static constexpr const void *pointer_line() { return &kcb_cachep_##m##_##k; }     \
		static struct kmem_cache *cache() { return kcb_cachep_##m##_##k; }       \
	};                                                                            \
	struct StaticRef_##m##_##k {                                                   \
		static struct kmem_cache *get() { return &kcb_static_##m##_##k; }        \
		static struct kmem_cache *get_dep(uintptr_t z)                            \
		{                                                                         \
			return (struct kmem_cache *)kcb_add_dep((uintptr_t)&kcb_static_##m##_##k, z); \
		}                                                                         \
		static constexpr const void *pointer_line() { return nullptr; }                     \
		static struct kmem_cache *cache() { return &kcb_static_##m##_##k; }      \
	};                                                                            \
	KCB_REF_RUNTIME_CONST(m, k)                                                    \
	KCB_REF_PROJECTED(m, k)

/* runtime_const: the arch's patched sequence, or asm-generic's pointer load */
#define KCB_REF_RUNTIME_CONST(m, k)                                                 \
	struct RuntimeConstRef_##m##_##k {                                             \
		static struct kmem_cache *get() { return runtime_const_ptr(kcb_cachep_##m##_##k); } \
		static struct kmem_cache *get_dep(uintptr_t z)                            \
		{                                                                         \
			if (!KCB_HAVE_RUNTIME_CONST)                                      \
				return PointerRef_##m##_##k::get_dep(z);                  \
			return (struct kmem_cache *)kcb_add_dep((uintptr_t)get(), z);      \
		}                                                                         \
		static constexpr const void *pointer_line()                                         \
		{                                                                         \
			return KCB_HAVE_RUNTIME_CONST ? nullptr : (const void *)&kcb_cachep_##m##_##k; \
		}                                                                         \
		static struct kmem_cache *cache() { return kcb_cachep_##m##_##k; }       \
	};

#if KCB_HAVE_PROJECTED_CONST
#define KCB_REF_PROJECTED(m, k)                                                     \
	struct ProjectedRef_##m##_##k {                                                \
		static struct kmem_cache *get() { return projected_const_ptr(kcb_cachep_##m##_##k); } \
		static struct kmem_cache *get_dep(uintptr_t z) { return (struct kmem_cache *)kcb_add_dep((uintptr_t)get(), z); } \
		static constexpr const void *pointer_line() { return nullptr; }                     \
		static struct kmem_cache *cache() { return kcb_cachep_##m##_##k; }       \
	};
#else
#define KCB_REF_PROJECTED(m, k)
#endif

KCB_FOR_EACH_CACHE(KCB_REF_STRUCTS)

/* static_align pair: only the static policy exists for these */
#define KCB_STATIC_ALIGN_REF(m, a, expr)                                            \
	struct StaticRef_##m##_##a {                                                   \
		static struct kmem_cache *get() { return expr; }                          \
		static struct kmem_cache *get_dep(uintptr_t z) { return (struct kmem_cache *)kcb_add_dep((uintptr_t)(expr), z); } \
		static constexpr const void *pointer_line() { return nullptr; }                     \
		static struct kmem_cache *cache() { return expr; }                        \
	};
KCB_STATIC_ALIGN_REF(sheaves, a8, &kcb_static_sheaves_a8.cache)
KCB_STATIC_ALIGN_REF(sheaves, a64, &kcb_static_sheaves_a64)
KCB_STATIC_ALIGN_REF(cpu_slab, a8, &kcb_static_cpu_slab_a8.cache)
KCB_STATIC_ALIGN_REF(cpu_slab, a64, &kcb_static_cpu_slab_a64)

#endif
