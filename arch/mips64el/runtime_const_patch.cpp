// SPDX-License-Identifier: GPL-2.0
/*
 * mips64el projected site, "projected (no kernel support)":
 *   lui r,A ; ori r,r,B ; dsll r,r,16 ; ori r,r,C ; dsll r,r,16 ; ori r,r,D
 * Little-endian 32-bit words; imm16 in bits 0..15 of words 0, 1, 3, 5.
 * lui sign-extends bit 31, but the two dsll shift that out.
 */
#include "runtime_const.h"
#include "../generic/insn_words.h"


static const int imm_word[4] = {0, 1, 3, 5}; /* A B C D, high to low */

extern "C" void kcb_projected_encode(void *site, uint64_t value)
{
	kcb_put_imm16x4((unsigned char *)site, imm_word, value);
}

extern "C" bool kcb_projected_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	uint32_t r = (kcb_ld32le(p) >> 16) & 31;
	const uint32_t lui = 0x0fu << 26 | r << 16;             /* lui r,A (rs=0) */
	const uint32_t ori = 0x0du << 26 | r << 21 | r << 16;   /* ori r,r,imm */
	const uint32_t dsll = r << 16 | r << 11 | 16u << 6 | 0x38; /* dsll r,r,16 */
	const uint32_t want[6] = {lui, ori, dsll, ori, dsll, ori};
	const bool has_imm[6] = {true, true, false, true, false, true};

	if (r == 0)
		return false;
	for (int i = 0; i < 6; i++) {
		uint32_t w = kcb_ld32le(p + 4 * i);
		if ((has_imm[i] ? (w & 0xffff0000u) : w) != want[i])
			return false;
	}
	*value = kcb_get_imm16x4(p, imm_word);
	return true;
}
