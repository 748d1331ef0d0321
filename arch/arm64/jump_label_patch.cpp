// SPDX-License-Identifier: GPL-2.0
/* arm64 jump-label forms: nop (d503201f) <-> b (000101 imm26). */
#include "jump_label.h"
#include "../generic/insn_words.h"

#define NOP 0xd503201fu

extern "C" unsigned int kcb_jl_insn_len(const void *site)
{
	uint32_t w = kcb_ld32le((const unsigned char *)site);
	return (w == NOP || (w & 0xfc000000u) == 0x14000000u) ? 4 : 0;
}

extern "C" void kcb_jl_encode(unsigned char *buf, const void *site, const void *target, bool jump,
			      unsigned int)
{
	intptr_t rel = (intptr_t)target - (intptr_t)site;
	kcb_st32le(buf, jump ? 0x14000000u | ((uint32_t)(rel >> 2) & 0x03ffffffu) : NOP);
}
