// SPDX-License-Identifier: GPL-2.0
/*
 * ppc64le projected site, "projected (no kernel support)":
 *   lis r,A ; ori r,r,B ; sldi r,r,32 (rldicr r,r,32,31) ; oris r,r,C ; ori r,r,D
 * Little-endian 32-bit words; the 16-bit immediates are bits 0..15 of
 * words 0, 1, 3, 4.  lis sign-extends, but sldi shifts that out.
 */
#include "runtime_const.h"
#include "../generic/insn_words.h"


static const int imm_word[4] = {0, 1, 3, 4}; /* A B C D, high to low */

extern "C" void kcb_projected_encode(void *site, uint64_t value)
{
	kcb_put_imm16x4((unsigned char *)site, imm_word, value);
}

extern "C" bool kcb_projected_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	uint32_t r = (kcb_ld32le(p) >> 21) & 31;
	/* D-form: opcode<<26 | RT/RS<<21 | RA<<16; ori/oris put the target in
	 * RA.  sldi r,r,32 is MD-form rldicr r,r,32,31: sh[0:4]=0, me=31
	 * (0x7c0), XO=1 (0x4), sh[5]=1 (0x2). */
	const uint32_t want[5] = {
		15u << 26 | r << 21 | 0u << 16,           /* addis r,0,A (lis) */
		24u << 26 | r << 21 | r << 16,            /* ori r,r,B */
		30u << 26 | r << 21 | r << 16 | 0x7c6u,  /* sldi r,r,32 */
		25u << 26 | r << 21 | r << 16,            /* oris r,r,C */
		24u << 26 | r << 21 | r << 16,            /* ori r,r,D */
	};
	for (int i = 0; i < 5; i++) {
		uint32_t w = kcb_ld32le(p + 4 * i);
		if (i == 2 ? w != want[2] : (w & 0xffff0000u) != want[i])
			return false;
	}
	*value = kcb_get_imm16x4(p, imm_word);
	return true;
}
