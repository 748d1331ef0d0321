// SPDX-License-Identifier: GPL-2.0
/* s390 jump-label forms: brcl 0,target (c0 04, a nop) <-> brcl 15,target (c0 f4); RI2 in halfwords, big-endian. */
#include "jump_label.h"
#include "../generic/insn_words.h"

extern "C" unsigned int kcb_jl_insn_len(const void *site)
{
	const unsigned char *p = (const unsigned char *)site;
	return (p[0] == 0xc0 && (p[1] == 0x04 || p[1] == 0xf4)) ? 6 : 0;
}

extern "C" void kcb_jl_encode(unsigned char *buf, const void *site, const void *target, bool jump,
			      unsigned int)
{
	uint32_t ri = (uint32_t)(((intptr_t)target - (intptr_t)site) / 2);
	buf[0] = 0xc0;
	buf[1] = jump ? 0xf4 : 0x04;
	for (int i = 0; i < 4; i++)
		buf[2 + i] = (unsigned char)(ri >> (24 - 8 * i));
}
