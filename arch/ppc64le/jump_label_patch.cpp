// SPDX-License-Identifier: GPL-2.0
/* powerpc jump-label forms: nop (60000000) <-> b (18 LI AA=0 LK=0). */
#include "jump_label.h"
#include "../generic/insn_words.h"

#define NOP 0x60000000u

extern "C" unsigned int kcb_jl_insn_len(const void *site)
{
	uint32_t w = kcb_ld32le((const unsigned char *)site);
	return (w == NOP || (w & 0xfc000003u) == 0x48000000u) ? 4 : 0;
}

extern "C" void kcb_jl_encode(unsigned char *buf, const void *site, const void *target, bool jump,
			      unsigned int)
{
	intptr_t rel = (intptr_t)target - (intptr_t)site;
	kcb_st32le(buf, jump ? 0x48000000u | ((uint32_t)rel & 0x03fffffcu) : NOP);
}
