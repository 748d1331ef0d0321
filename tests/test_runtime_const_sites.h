/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One patchable form under test: a real site emitted by the compiler in
 * test_runtime_const_sites.cpp (built once per riscv64 form), with the
 * functions that patch, verify and execute it.
 */
#ifndef KCB_TEST_RUNTIME_CONST_SITES_H
#define KCB_TEST_RUNTIME_CONST_SITES_H

#include <stdint.h>
#include "runtime_const.h"

struct kcb_t_form {
	const char *name;        /* e.g. "runtime_const zba", "projected" */
	const char *sequence;    /* KCB_RC_SEQUENCE / KCB_PROJECTED_SEQUENCE */
	unsigned int site_bytes;
	unsigned int value_bits; /* 64, or 32 on 32-bit arches */
	uint64_t placeholder;    /* the immediate the compiler emitted */
	uintptr_t *val;          /* the symbol the site materialises */
	uintptr_t (*fn)(void);   /* executes the site */
	int (*init)(void);       /* patch every site with *val */
	int (*verify)(void);     /* bad sites */
	unsigned int (*nsites)(void);
	void *(*site)(unsigned int i);
	kcb_const_encode_fn enc;
	kcb_const_decode_fn dec;
};

extern "C" {
/* forms built into this binary: base TU (runtime_const and/or projected),
 * plus on riscv64 the Zba and Zbkb TUs */
unsigned int kcb_t_forms_base(const struct kcb_t_form **out, unsigned int max);
unsigned int kcb_t_forms_zba(const struct kcb_t_form **out, unsigned int max);
unsigned int kcb_t_forms_zbkb(const struct kcb_t_form **out, unsigned int max);
}

static inline unsigned int kcb_t_all_forms(const struct kcb_t_form **out, unsigned int max)
{
	unsigned int n = kcb_t_forms_base(out, max);
#if defined(__riscv)
	n += kcb_t_forms_zba(out + n, max - n);
	n += kcb_t_forms_zbkb(out + n, max - n);
#endif
	return n;
}

#endif
