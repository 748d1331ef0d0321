// SPDX-License-Identifier: GPL-2.0
/*
 * Hot paths, written once against a cache-reference policy and compiled once
 * per variant: kernels/CMakeLists.txt builds this file with exactly one of
 * KCB_VARIANT_pointer, _runtime_const, _runtime_const_zba, _runtime_const_zbkb,
 * _projected, _static.  Each (fn, model) becomes a distinct noinline extern "C"
 * symbol kcb_<fn>__<model>__<variant>, registered in kcb_hotpath_table.
 * Built once more per variant with KCB_CONFIG_minimal (kernels/include/
 * kconfig.h): the same bodies calling the minimal config's allocator, as
 * kcb_<fn>__<model>__<variant>__minimal.  The site functions only depend on
 * the variant, so only the distro build has them.
 * The allocator is called out of line (kernels/include/slab_api.h), as in the kernel.
 */
#include "cache_ref.h"
#include "hotpaths.h"
#include "kconfig.h"
#include "slab_api.h"

#if defined(KCB_VARIANT_pointer)
#define KCB_VARIANT_NAME pointer
#define KCB_VARIANT_NOTE ""
#define KCB_REF(m, k) PointerRef_##m##_##k
#elif defined(KCB_VARIANT_runtime_const) || defined(KCB_VARIANT_runtime_const_zba) || \
	defined(KCB_VARIANT_runtime_const_zbkb)
#if defined(KCB_VARIANT_runtime_const_zba)
#define KCB_VARIANT_NAME runtime_const_zba
#elif defined(KCB_VARIANT_runtime_const_zbkb)
#define KCB_VARIANT_NAME runtime_const_zbkb
#else
#define KCB_VARIANT_NAME runtime_const
#endif
#if KCB_HAVE_RUNTIME_CONST
#define KCB_VARIANT_NOTE ""
#else
#define KCB_VARIANT_NOTE "asm-generic fallback: pointer load"
#endif
#define KCB_REF(m, k) RuntimeConstRef_##m##_##k
#elif defined(KCB_VARIANT_projected)
#if !KCB_HAVE_PROJECTED_CONST
#error "projected variant built for an arch without a projected sequence"
#endif
#define KCB_VARIANT_NAME projected
#define KCB_VARIANT_NOTE "projected (no kernel support)"
#define KCB_REF(m, k) ProjectedRef_##m##_##k
#elif defined(KCB_VARIANT_static)
#define KCB_VARIANT_NAME static
#define KCB_VARIANT_NOTE ""
#define KCB_REF(m, k) StaticRef_##m##_##k
#else
#error "build hotpaths.cpp with one KCB_VARIANT_<name> defined"
#endif

#define KCB_NOINLINE __attribute__((noinline, noclone))
#define KCB_INLINE inline __attribute__((always_inline))
#define KCB_STR_(x) #x
#define KCB_STR(x) KCB_STR_(x)
#define KCB_CAT4_(a, b, c, d) a##b##c##d
#define KCB_CAT4(a, b, c, d) KCB_CAT4_(a, b, c, d)
#define KCB_SYM(fn, m, v) KCB_CFG(KCB_CAT4(kcb_##fn##__, m, __, v))

struct SheavesModel {
	static KCB_INLINE void *alloc(struct kmem_cache *s, kcb_gfp_t gfp) { return KCB_CFG(kcb_sheaves_alloc)(s, gfp); }
	static KCB_INLINE void free(struct kmem_cache *s, void *x) { KCB_CFG(kcb_sheaves_free)(s, x); }
};
struct CpuSlabModel {
	static KCB_INLINE void *alloc(struct kmem_cache *s, kcb_gfp_t gfp) { return KCB_CFG(kcb_cpu_slab_alloc)(s, gfp); }
	static KCB_INLINE void free(struct kmem_cache *s, void *x) { KCB_CFG(kcb_cpu_slab_free)(s, x); }
};
#define KCB_MODEL_sheaves SheavesModel
#define KCB_MODEL_cpu_slab CpuSlabModel

/* ---- the bodies, written once ---- */

template <class R> static KCB_INLINE struct kmem_cache *hp_site() { return R::get(); }

/* kmem_cache_alloc(cachep, GFP_KERNEL) ... kmem_cache_free(cachep, x) */
template <class M, class R> static KCB_INLINE void hp_callsite()
{
	void *x = M::alloc(R::get(), KCB_GFP_KERNEL);
	if (__builtin_expect(!x, 0))
		return;
	M::free(R::get(), x);
}

/* The same op, but s depends on the previous op's object (see cache_ref.h),
 * and the op cannot start before s exists (bench/METHOD.md, latency). */
template <class M, class R> static KCB_INLINE uintptr_t hp_latency(uintptr_t prev)
{
	uintptr_t z = kcb_dep_zero(prev);
	/* the loop gated and held before the call (bench/loops.cpp); this gate
	 * holds the op until its cache address exists.  It waits on one more
	 * add of z in every variant, not on the pointer's load itself: a load
	 * completes for the gate a cycle after its value reaches a dependent
	 * on some cores (Zen 5), so a gate right behind it read 5 cycles or 4
	 * by code layout, where an add after it reads the load-to-use, 4 */
	struct kmem_cache *s = (struct kmem_cache *)kcb_exec_gate(kcb_add_dep((uintptr_t)R::get_dep(z), z));
	void *x = M::alloc(s, KCB_GFP_KERNEL);
	M::free(s, x);
	return (uintptr_t)x;
}

/* The inlined parts of the kernel read the cache's own fields in the caller:
 * kmem_cache_size(s), the SLAB_ACCOUNT test, then initialise the object. */
template <class M, class R> static KCB_INLINE void hp_inline_fields()
{
	struct kmem_cache *s = R::get();
	unsigned int size = s->object_size;
	kcb_gfp_t gfp = KCB_GFP_KERNEL | ((s->flags & KCB_SLAB_ACCOUNT) ? 0x400000u : 0);
	void *x = M::alloc(s, gfp);
	if (__builtin_expect(!x, 0))
		return;
	*(volatile unsigned int *)((char *)x + size - sizeof(unsigned int)) = size;
	M::free(R::get(), x);
}

/* ---- instantiation and registration ---- */

#define KCB_REGISTER(sym, ...) KCB_REGISTER_(sym, __VA_ARGS__) /* expands sym first */
#define KCB_REGISTER_(sym, fnname, m, variant, note, kind, R)                         \
	static const struct kcb_hotpath sym##_entry = {                               \
		KCB_STR(sym), fnname, #m, variant, KCB_CONFIG_STR, note, kind, (void *)&sym, \
		R::pointer_line(), &R::cache};                                        \
	__attribute__((used, section("kcb_hotpath_table"))) static const struct kcb_hotpath *const \
		sym##_ptr = &sym##_entry;

#define KCB_CASE(m, k) case k: hp_callsite<KCB_MODEL_##m, KCB_REF(m, k)>(); break;

#if KCB_CONFIG_DISTRO
#define KCB_DEFINE_SITE(m, v)                                                        \
	extern "C" KCB_NOINLINE struct kmem_cache *KCB_SYM(site, m, v)(void)          \
	{                                                                             \
		return hp_site<KCB_REF(m, 0)>();                                      \
	}
#define KCB_REGISTER_SITE(m, v)                                                      \
	KCB_REGISTER(KCB_SYM(site, m, v), "site", m, KCB_STR(v), KCB_VARIANT_NOTE, KCB_HP_SITE, KCB_REF(m, 0))
#else
#define KCB_DEFINE_SITE(m, v)
#define KCB_REGISTER_SITE(m, v)
#endif

#define KCB_DEFINE_MODEL(m, v)                                                       \
	KCB_DEFINE_SITE(m, v)                                                         \
	extern "C" KCB_NOINLINE void KCB_SYM(callsite, m, v)(void)                    \
	{                                                                             \
		hp_callsite<KCB_MODEL_##m, KCB_REF(m, 0)>();                          \
	}                                                                             \
	extern "C" KCB_NOINLINE uintptr_t KCB_SYM(latency, m, v)(uintptr_t prev)      \
	{                                                                             \
		return hp_latency<KCB_MODEL_##m, KCB_REF(m, 0)>(prev);                \
	}                                                                             \
	extern "C" KCB_NOINLINE void KCB_SYM(inline_fields, m, v)(void)               \
	{                                                                             \
		hp_inline_fields<KCB_MODEL_##m, KCB_REF(m, 0)>();                     \
	}                                                                             \
	extern "C" KCB_NOINLINE void KCB_SYM(many_caches, m, v)(unsigned int idx)     \
	{                                                                             \
		switch (idx & (KCB_NR_CACHES - 1)) {                                  \
			KCB_FOR_EACH_INDEX(KCB_CASE, m)                               \
		}                                                                     \
	}

#define KCB_REGISTER_MODEL(m, v)                                                     \
	KCB_REGISTER_SITE(m, v)                                                       \
	KCB_REGISTER(KCB_SYM(callsite, m, v), "callsite", m, KCB_STR(v), KCB_VARIANT_NOTE, KCB_HP_VOID, KCB_REF(m, 0)) \
	KCB_REGISTER(KCB_SYM(latency, m, v), "latency", m, KCB_STR(v), KCB_VARIANT_NOTE, KCB_HP_CHAIN, KCB_REF(m, 0)) \
	KCB_REGISTER(KCB_SYM(inline_fields, m, v), "inline_fields", m, KCB_STR(v), KCB_VARIANT_NOTE, KCB_HP_VOID, KCB_REF(m, 0)) \
	KCB_REGISTER(KCB_SYM(many_caches, m, v), "many_caches", m, KCB_STR(v), KCB_VARIANT_NOTE, KCB_HP_INDEXED, KCB_REF(m, 0))

/* two-level so KCB_VARIANT_NAME expands before pasting */
#define KCB_DEFINE(m, v) KCB_DEFINE_MODEL(m, v)
#define KCB_REG(m, v) KCB_REGISTER_MODEL(m, v)
KCB_DEFINE(sheaves, KCB_VARIANT_NAME)
KCB_DEFINE(cpu_slab, KCB_VARIANT_NAME)
KCB_REG(sheaves, KCB_VARIANT_NAME)
KCB_REG(cpu_slab, KCB_VARIANT_NAME)

#if defined(KCB_VARIANT_static)
/* static_align: the same callsite on a static instance at 8 vs 64 bytes */
#define KCB_DEFINE_ALIGN(m, a)                                                       \
	extern "C" KCB_NOINLINE void KCB_CFG(kcb_static_align__##m##__static_##a)(void) \
	{                                                                             \
		hp_callsite<KCB_MODEL_##m, StaticRef_##m##_##a>();                    \
	}                                                                             \
	KCB_REGISTER(KCB_CFG(kcb_static_align__##m##__static_##a), "static_align", m, "static_" #a, "", \
		     KCB_HP_VOID, StaticRef_##m##_##a)
KCB_DEFINE_ALIGN(sheaves, a8)
KCB_DEFINE_ALIGN(sheaves, a64)
KCB_DEFINE_ALIGN(cpu_slab, a8)
KCB_DEFINE_ALIGN(cpu_slab, a64)
#endif
