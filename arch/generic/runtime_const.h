/* SPDX-License-Identifier: GPL-2.0 */
/*
 * asm-generic fallback: an architecture without runtime_const support loads
 * the assign-once pointer from memory, exactly like the "pointer" variant.
 * Arches without kernel support (ppc64le, armhf, i686, mips64el) include
 * this and add a *projected* patched-immediate sequence on top
 * (projected_const_ptr), always labelled "projected (no kernel support)".
 *
 * Interface every arch/<arch>/runtime_const.h provides (same names on all):
 *   KCB_HAVE_RUNTIME_CONST    1 where the kernel has runtime_const_ptr()
 *   KCB_HAVE_PROJECTED_CONST  1 where a projected sequence exists instead
 *   runtime_const_ptr(sym)    value of `sym`, materialised as the arch's
 *                             patched immediate; site recorded as
 *                             `.long <site> - .` in section runtime_ptr_<sym>
 *   projected_const_ptr(sym)  same, section projected_ptr_<sym>
 *   runtime_const_init(ptr, sym) / projected_const_init(ptr, sym)
 *                             patch every site of sym with its current value;
 *                             -> number of sites patched, or -1 (one line on
 *                             stderr: a site that is not the expected
 *                             sequence, or mprotect refused)
 *   runtime_const_verify(ptr, sym) / projected_const_verify(ptr, sym)
 *                             -> number of sites that do not decode to sym
 *   runtime_const_sites(sym) / projected_const_sites(sym)  -> site count
 *   runtime_const_site(sym, i) / projected_const_site(sym, i) -> site i
 *   KCB_RC_SEQUENCE / KCB_PROJECTED_SEQUENCE  mnemonic string, for reports
 *   KCB_RC_SITE_BYTES / KCB_PROJECTED_SITE_BYTES
 * and, from arch/<arch>/runtime_const_patch.cpp, pure functions on a byte
 * buffer holding one site (used by the fixup and by the property tests):
 *   kcb_rc_encode(site, value) / kcb_rc_decode(site, &value) -> bool ok
 *   kcb_projected_encode / kcb_projected_decode (projected arches)
 * A sym with no sites is fine: the section bounds are weak (count 0).
 */
#ifndef KCB_ARCH_GENERIC_RUNTIME_CONST_H
#define KCB_ARCH_GENERIC_RUNTIME_CONST_H

#include <stdint.h>
#include <stddef.h>

extern "C" {
typedef void (*kcb_const_encode_fn)(void *site, uint64_t value);
typedef bool (*kcb_const_decode_fn)(const void *site, uint64_t *value);

/* arch/generic/runtime_const_fixup.cpp: the start-up fixup and verify loop
 * over one section's `.long site - .` records. */
int kcb_const_fixup(const int32_t *start, const int32_t *stop, uint64_t value,
		    unsigned int site_bytes, kcb_const_encode_fn enc,
		    kcb_const_decode_fn dec, const char *what);
int kcb_const_verify(const int32_t *start, const int32_t *stop, uint64_t value,
		     kcb_const_decode_fn dec);
/* write len bytes over code (mprotect, copy, mprotect, I-cache flush):
 * 0, or -1 with one line on stderr */
int kcb_text_poke(void *site, const void *bytes, unsigned int len, const char *what);

/* arch/<arch>/runtime_const_patch.cpp (only where the sequence exists) */
void kcb_rc_encode(void *site, uint64_t value);
bool kcb_rc_decode(const void *site, uint64_t *value);
void kcb_projected_encode(void *site, uint64_t value);
bool kcb_projected_decode(const void *site, uint64_t *value);
}

/* the longest patched site of any arch (mips64el's projected: 24) */
#define KCB_MAX_SITE_BYTES 32

static inline unsigned int kcb_const_count(const int32_t *start, const int32_t *stop)
{
	return start && stop > start ? (unsigned int)(stop - start) : 0;
}

static inline void *kcb_const_site(const int32_t *start, const int32_t *stop, unsigned int i)
{
	if (i >= kcb_const_count(start, stop))
		return NULL;
	return (void *)((uintptr_t)&start[i] + (intptr_t)start[i]);
}

/* The linker's __start_/__stop_ bounds of section sec (a string), declared
 * weak under their exact ELF names, so a sym with no sites yields an empty
 * range; then fn(start, stop, args...).  The C++ names carry sym: block-scope
 * externs of one name would be one entity, whatever their asm labels.
 * Every macro here stringizes sym as written (like runtime_const_ptr), so
 * pass the symbol itself, not a macro naming it. */
#define KCB_CONST_WITH_BOUNDS(sec, sym, fn, ...)                                     \
	({                                                                            \
		extern const int32_t __kcb_start_##sym[] __asm__("__start_" sec)      \
			__attribute__((weak));                                        \
		extern const int32_t __kcb_stop_##sym[] __asm__("__stop_" sec)        \
			__attribute__((weak));                                        \
		fn(__kcb_start_##sym, __kcb_stop_##sym, ##__VA_ARGS__);               \
	})

#define KCB_CONST_VALUE(sym) ((uint64_t)(uintptr_t)(sym))

/* Record a site as the kernel does: `.long <label> - .` in <section>, whose
 * __start_/__stop_ bounds the fixup walks at start-up as an int32_t array:
 * aligned to 4, or reading it is undefined (UBSan saw the section start
 * at an odd address) */
#define KCB_SITE_RECORD(section, label) \
	".pushsection " section ",\"a\"\n\t.balign 4\n\t.long " label " - .\n\t.popsection"

#ifndef KCB_HAVE_RUNTIME_CONST
#define KCB_HAVE_RUNTIME_CONST 0
#define KCB_RC_SEQUENCE "pointer load (asm-generic fallback)"
#define KCB_RC_SITE_BYTES 0
#define runtime_const_ptr(sym) (sym)
#define runtime_const_init(type, sym) ({ (void)(sym); 0; })
#define runtime_const_verify(type, sym) ({ (void)(sym); 0; })
#define runtime_const_sites(sym) 0u
#define runtime_const_site(sym, i) ({ (void)(i); (void *)NULL; })
#else
#define runtime_const_init(type, sym)                                                  \
	KCB_CONST_WITH_BOUNDS("runtime_" #type "_" #sym, sym, kcb_const_fixup,             \
			      KCB_CONST_VALUE(sym), KCB_RC_SITE_BYTES, kcb_rc_encode,  \
			      kcb_rc_decode, #sym)
#define runtime_const_verify(type, sym)                                                \
	KCB_CONST_WITH_BOUNDS("runtime_" #type "_" #sym, sym, kcb_const_verify,            \
			      KCB_CONST_VALUE(sym), kcb_rc_decode)
#define runtime_const_sites(sym)                                                       \
	KCB_CONST_WITH_BOUNDS("runtime_ptr_" #sym, sym, kcb_const_count)
#define runtime_const_site(sym, i)                                                     \
	KCB_CONST_WITH_BOUNDS("runtime_ptr_" #sym, sym, kcb_const_site, (i))
#endif

#ifndef KCB_HAVE_PROJECTED_CONST
#define KCB_HAVE_PROJECTED_CONST 0
#endif

#if KCB_HAVE_PROJECTED_CONST
#define projected_const_init(type, sym)                                                \
	KCB_CONST_WITH_BOUNDS("projected_" #type "_" #sym, sym, kcb_const_fixup,           \
			      KCB_CONST_VALUE(sym), KCB_PROJECTED_SITE_BYTES,          \
			      kcb_projected_encode, kcb_projected_decode, #sym)
#define projected_const_verify(type, sym)                                              \
	KCB_CONST_WITH_BOUNDS("projected_" #type "_" #sym, sym, kcb_const_verify,          \
			      KCB_CONST_VALUE(sym), kcb_projected_decode)
#define projected_const_sites(sym)                                                     \
	KCB_CONST_WITH_BOUNDS("projected_ptr_" #sym, sym, kcb_const_count)
#define projected_const_site(sym, i)                                                   \
	KCB_CONST_WITH_BOUNDS("projected_ptr_" #sym, sym, kcb_const_site, (i))
#endif

#endif
