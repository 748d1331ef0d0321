// SPDX-License-Identifier: GPL-2.0
/*
 * The static keys' patcher, as the kernel's jump_label_init() /
 * static_key_enable(): every `.long site - ., target - .` entry of one key
 * gets the nop or the jump of the site's own length, written with
 * kcb_text_poke() (arch/generic/runtime_const_fixup.cpp).  The forms come
 * from the arch (arch/<arch>/jump_label_patch.cpp).
 */
#include <stdio.h>
#include <string.h>

#include <jump_label.h> /* the arch's, found first on -I */

#if KCB_HAVE_JUMP_LABEL
static void entry_at(const int32_t *e, unsigned char **site, unsigned char **target)
{
	*site = (unsigned char *)((uintptr_t)&e[0] + (intptr_t)e[0]);
	*target = (unsigned char *)((uintptr_t)&e[1] + (intptr_t)e[1]);
}

extern "C" int kcb_jump_apply(const int32_t *start, const int32_t *stop, bool jump, const char *what)
{
	unsigned int n = kcb_const_count(start, stop) / 2;
	unsigned char buf[KCB_MAX_SITE_BYTES];

	for (unsigned int i = 0; i < n; i++) {
		unsigned char *site, *target;
		entry_at(start + 2 * i, &site, &target);
		unsigned int len = kcb_jl_insn_len(site);
		if (!len) {
			fprintf(stderr, "kcache-bench: static key %s: site %u at %p is neither "
				"the jump nor the nop; not patched\n", what, i, (void *)site);
			return -1;
		}
		kcb_jl_encode(buf, site, target, jump, len);
		if (memcmp(buf, site, len) && kcb_text_poke(site, buf, len, what) != 0)
			return -1;
	}
	return (int)n;
}

extern "C" int kcb_jump_verify(const int32_t *start, const int32_t *stop, bool jump)
{
	unsigned int n = kcb_const_count(start, stop) / 2;
	unsigned char buf[KCB_MAX_SITE_BYTES];
	int bad = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned char *site, *target;
		entry_at(start + 2 * i, &site, &target);
		unsigned int len = kcb_jl_insn_len(site);
		if (len)
			kcb_jl_encode(buf, site, target, jump, len);
		bad += !len || memcmp(buf, site, len) != 0;
	}
	return bad;
}
#endif
