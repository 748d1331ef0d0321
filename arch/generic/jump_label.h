/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static keys over jump labels, as the kernel's static_branch_likely() /
 * static_branch_unlikely(): the test is one patched instruction in the code,
 * a nop or a jump, never a load of the key.
 *
 * KCB_DEFINE_STATIC_BRANCH(key) defines key##_jumps(): true when the site's
 * jump is taken.  The compiled site is the nop of the key's default state
 * (the form vmlinux has); each is recorded as `.long site - ., .long
 * target - .` in section kcb_jump_<key>.  kcb_static_key_apply() rewrites
 * every site of the key, through the same text poke as the runtime_const
 * fixup: the nop where the key is in its default state, the jump to the
 * asm goto label where it is not (the kernel's jump_label_init() and
 * static_key_enable()/disable()); then kcb_static_key_verify() reads every
 * site back.
 * Callers spell the kernel's two forms:
 *   default on  (likely):   if (!key##_jumps()) { the enabled path }
 *   default off (unlikely): if (key##_jumps())  { the enabled path }
 *
 * Interface of arch/<arch>/jump_label.h (where KCB_HAVE_JUMP_LABEL is 1):
 *   KCB_JUMP_INSN     asm of the compiled nop (may name %l[l_yes])
 *   KCB_JUMP_LABEL_DESC  the nop and jump forms, for the results context
 * and of arch/<arch>/jump_label_patch.cpp (pure buffer functions):
 *   kcb_jl_insn_len(site)   bytes of the jump or nop at site; 0: neither
 *   kcb_jl_encode(buf, site, target, jump, len)  the nop or the jump of
 *                           that length from site to target, into buf
 * Elsewhere the key is a data load (the kernel's CONFIG_JUMP_LABEL=n).
 */
#ifndef KCB_ARCH_GENERIC_JUMP_LABEL_H
#define KCB_ARCH_GENERIC_JUMP_LABEL_H

#include <stdint.h>

#include <runtime_const.h> /* the arch's (-I arch/<arch> first): KCB_CONST_WITH_BOUNDS */

struct kcb_static_key {
	bool enabled;
	bool default_on; /* the state the compiled code is laid out for */
};

extern "C" {
unsigned int kcb_jl_insn_len(const void *site);
void kcb_jl_encode(unsigned char *buf, const void *site, const void *target, bool jump,
		   unsigned int len);
/* arch/generic/jump_label.cpp: patch / verify every site of one key's
 * section; -> sites done, or -1 with one line on stderr.  verify: sites
 * that are not the form the key's state needs. */
int kcb_jump_apply(const int32_t *start, const int32_t *stop, bool jump, const char *what);
int kcb_jump_verify(const int32_t *start, const int32_t *stop, bool jump);
}

#ifndef KCB_HAVE_JUMP_LABEL
#define KCB_HAVE_JUMP_LABEL 0
#define KCB_JUMP_LABEL_DESC "data load of the key (no jump label model on this arch)"
#define KCB_DEFINE_STATIC_BRANCH(key)                                                 \
	static inline __attribute__((always_inline)) bool key##_jumps(void)             \
	{                                                                             \
		return *(const volatile bool *)&key.enabled != key.default_on;        \
	}
#define kcb_static_key_apply(key) ({ (void)(key); 0; })
#define kcb_static_key_verify(key) ({ (void)(key); 0; })
#else
#define KCB_JUMP_SECTION(key) "kcb_jump_" #key
#define KCB_DEFINE_STATIC_BRANCH(key)                                                 \
	static inline __attribute__((always_inline)) bool key##_jumps(void)             \
	{                                                                             \
		__asm__ goto("1:\t" KCB_JUMP_INSN "\n\t"                              \
			     ".pushsection " KCB_JUMP_SECTION(key) ",\"a\"\n\t"       \
			     ".balign 4\n\t.long 1b - ., %l[l_yes] - .\n\t.popsection" \
			     : : : : l_yes);                                          \
		return false;                                                         \
	l_yes:                                                                        \
		return true;                                                          \
	}
#define kcb_static_key_apply(key)                                                     \
	KCB_CONST_WITH_BOUNDS(KCB_JUMP_SECTION(key), key, kcb_jump_apply,              \
			      key.enabled != key.default_on, #key)
#define kcb_static_key_verify(key)                                                    \
	KCB_CONST_WITH_BOUNDS(KCB_JUMP_SECTION(key), key, kcb_jump_verify,             \
			      key.enabled != key.default_on)
#endif

#endif
