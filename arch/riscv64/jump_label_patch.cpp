// SPDX-License-Identifier: GPL-2.0
/* riscv jump-label forms: nop (addi x0,x0,0) <-> jal x0,target (J-type). */
#include "jump_label.h"
#include "../generic/insn_words.h"

#define NOP 0x00000013u

extern "C" unsigned int kcb_jl_insn_len(const void *site)
{
	uint32_t w = kcb_ld32le((const unsigned char *)site);
	return (w == NOP || (w & 0xfffu) == 0x06fu) ? 4 : 0;
}

extern "C" void kcb_jl_encode(unsigned char *buf, const void *site, const void *target, bool jump,
			      unsigned int)
{
	uint32_t imm = (uint32_t)((intptr_t)target - (intptr_t)site);
	uint32_t w = ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20 |
		     ((imm >> 12) & 0xff) << 12 | 0x06fu;
	kcb_st32le(buf, jump ? w : NOP);
}
