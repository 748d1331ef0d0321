// SPDX-License-Identifier: GPL-2.0
/*
 * Real sites for the arch tests, emitted by the compiler through the same
 * macros the hot paths use.  Built once as the base form and, on riscv64,
 * again with KCB_RC_FORM_ZBA / KCB_RC_FORM_ZBKB (tests/arch.cmake), so
 * each form has its own symbol and section.
 */
#include "test_runtime_const_sites.h"

#if defined(KCB_RC_FORM_ZBA)
#define FORM zba
#elif defined(KCB_RC_FORM_ZBKB)
#define FORM zbkb
#else
#define FORM base
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(a) #a
#define STR(a) STR_(a)
#define NOIPA __attribute__((noipa))

#if KCB_HAVE_RUNTIME_CONST
/* the macros stringize the symbol as written: one literal name per form */
#if defined(KCB_RC_FORM_ZBA)
#define RC_PTR() runtime_const_ptr(kcb_t_rc_val_zba)
#define RC_INIT() runtime_const_init(ptr, kcb_t_rc_val_zba)
#define RC_VERIFY() runtime_const_verify(ptr, kcb_t_rc_val_zba)
#define RC_SITES() runtime_const_sites(kcb_t_rc_val_zba)
#define RC_SITE(i) runtime_const_site(kcb_t_rc_val_zba, i)
#elif defined(KCB_RC_FORM_ZBKB)
#define RC_PTR() runtime_const_ptr(kcb_t_rc_val_zbkb)
#define RC_INIT() runtime_const_init(ptr, kcb_t_rc_val_zbkb)
#define RC_VERIFY() runtime_const_verify(ptr, kcb_t_rc_val_zbkb)
#define RC_SITES() runtime_const_sites(kcb_t_rc_val_zbkb)
#define RC_SITE(i) runtime_const_site(kcb_t_rc_val_zbkb, i)
#else
#define RC_PTR() runtime_const_ptr(kcb_t_rc_val_base)
#define RC_INIT() runtime_const_init(ptr, kcb_t_rc_val_base)
#define RC_VERIFY() runtime_const_verify(ptr, kcb_t_rc_val_base)
#define RC_SITES() runtime_const_sites(kcb_t_rc_val_base)
#define RC_SITE(i) runtime_const_site(kcb_t_rc_val_base, i)
#endif
#define RC_VAL CAT(kcb_t_rc_val_, FORM)
extern "C" {
uintptr_t RC_VAL;
NOIPA uintptr_t CAT(kcb_t_rc_fn_, FORM)(void) { return RC_PTR(); }
}
static int rc_init(void) { return RC_INIT(); }
static int rc_verify(void) { return RC_VERIFY(); }
static unsigned int rc_nsites(void) { return RC_SITES(); }
static void *rc_site(unsigned int i) { return RC_SITE(i); }
static const struct kcb_t_form rc_form = {
	"runtime_const " STR(FORM), KCB_RC_SEQUENCE, KCB_RC_SITE_BYTES, 64,
	0x0123456789abcdefull, &RC_VAL, CAT(kcb_t_rc_fn_, FORM), rc_init, rc_verify,
	rc_nsites, rc_site, kcb_rc_encode, kcb_rc_decode};
#endif

#if KCB_HAVE_PROJECTED_CONST && !defined(KCB_RC_FORM_ZBA) && !defined(KCB_RC_FORM_ZBKB)
extern "C" {
uintptr_t kcb_t_pj_val;
NOIPA uintptr_t kcb_t_pj_fn(void) { return projected_const_ptr(kcb_t_pj_val); }
}
static int pj_init(void) { return projected_const_init(ptr, kcb_t_pj_val); }
static int pj_verify(void) { return projected_const_verify(ptr, kcb_t_pj_val); }
static unsigned int pj_nsites(void) { return projected_const_sites(kcb_t_pj_val); }
static void *pj_site(unsigned int i) { return projected_const_site(kcb_t_pj_val, i); }
static const struct kcb_t_form pj_form = {
	"projected (no kernel support)", KCB_PROJECTED_SEQUENCE, KCB_PROJECTED_SITE_BYTES,
	(unsigned int)(8 * sizeof(uintptr_t)),
	sizeof(uintptr_t) == 8 ? 0x0123456789abcdefull : 0x89abcdefull, &kcb_t_pj_val, kcb_t_pj_fn,
	pj_init, pj_verify, pj_nsites, pj_site, kcb_projected_encode, kcb_projected_decode};
#endif

extern "C" unsigned int CAT(kcb_t_forms_, FORM)(const struct kcb_t_form **out, unsigned int max)
{
	unsigned int n = 0;
#if KCB_HAVE_RUNTIME_CONST
	if (n < max)
		out[n++] = &rc_form;
#endif
#if KCB_HAVE_PROJECTED_CONST && !defined(KCB_RC_FORM_ZBA) && !defined(KCB_RC_FORM_ZBKB)
	if (n < max)
		out[n++] = &pj_form;
#endif
	(void)out;
	(void)max;
	return n;
}
