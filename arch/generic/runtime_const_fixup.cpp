// SPDX-License-Identifier: GPL-2.0
/*
 * The start-up fixup, as the kernel's runtime_const_init(): for every
 * `.long site - .` record of one symbol, check that the site is the expected
 * sequence, encode the immediates into a copy through the arch's encoder
 * and write it back with kcb_text_poke() (the static keys' patcher,
 * arch/generic/jump_label.cpp, uses it too).  Then a verify loop decodes
 * every site back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "runtime_const.h"

static bool kcb_range_holds_self(uintptr_t a, uintptr_t e)
{
	uintptr_t self = (uintptr_t)&kcb_const_fixup;
	return self + 4096 > a && self < e; /* the fixup's own code, roughly */
}

/*
 * Write len bytes over the code at site: make its page(s) writable, copy,
 * restore read+exec, flush the I-cache (the kernel's text_poke()).
 * 0, or -1 with one line on stderr.
 */
extern "C" int kcb_text_poke(void *site, const void *bytes, unsigned int len, const char *what)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)site & ~(pg - 1);
	uintptr_t e = ((uintptr_t)site + len + pg - 1) & ~(pg - 1);

	/* RW+X first (the patcher may share the page); plain RW where W^X
	 * is enforced and the page does not hold this function. */
	if (mprotect((void *)a, e - a, PROT_READ | PROT_WRITE | PROT_EXEC) != 0 &&
	    (kcb_range_holds_self(a, e) ||
	     mprotect((void *)a, e - a, PROT_READ | PROT_WRITE) != 0)) {
		fprintf(stderr, "kcache-bench: %s: mprotect(%p, %lu, RW) failed: "
			"%s; sites stay unpatched\n", what, (void *)a,
			(unsigned long)(e - a), strerror(errno));
		return -1;
	}
	memcpy(site, bytes, len);
	if (mprotect((void *)a, e - a, PROT_READ | PROT_EXEC) != 0) {
		fprintf(stderr, "kcache-bench: %s: mprotect(%p, %lu, RX) failed: %s\n",
			what, (void *)a, (unsigned long)(e - a), strerror(errno));
		return -1;
	}
	__builtin___clear_cache((char *)site, (char *)site + len);
	return 0;
}

extern "C" int kcb_const_fixup(const int32_t *start, const int32_t *stop, uint64_t value,
			       unsigned int site_bytes, kcb_const_encode_fn enc,
			       kcb_const_decode_fn dec, const char *what)
{
	unsigned int n = kcb_const_count(start, stop);
	unsigned char buf[KCB_MAX_SITE_BYTES];

	if (site_bytes > sizeof(buf))
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		unsigned char *site = (unsigned char *)kcb_const_site(start, stop, i);
		uint64_t old;

		if (!dec(site, &old)) {
			fprintf(stderr, "kcache-bench: runtime const %s: site %u at %p is not the "
				"expected instruction sequence; not patched\n", what, i, (void *)site);
			return -1;
		}
		memcpy(buf, site, site_bytes); /* encoders keep the opcode bits */
		enc(buf, value);
		if (kcb_text_poke(site, buf, site_bytes, what) != 0)
			return -1;
	}
	return (int)n;
}

extern "C" int kcb_const_verify(const int32_t *start, const int32_t *stop, uint64_t value,
				kcb_const_decode_fn dec)
{
	unsigned int n = kcb_const_count(start, stop);
	int bad = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t got;
		if (!dec(kcb_const_site(start, stop, i), &got) || got != value)
			bad++;
	}
	return bad;
}
