/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction-word access for the patchers: byte by byte, so a site needs
 * no alignment and the host's endianness never matters (the property tests
 * also run the patchers on copies of sites in ordinary buffers).
 */
#ifndef KCB_ARCH_GENERIC_INSN_WORDS_H
#define KCB_ARCH_GENERIC_INSN_WORDS_H

#include <stdint.h>

static inline uint32_t kcb_ld32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void kcb_st32le(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/*
 * Sequences that build a 64-bit value from four 16-bit immediates in the low
 * half of four little-endian instruction words (ppc64 lis/ori/oris/ori, mips64
 * lui/ori/ori/ori): word[i] (in words from the site) takes quarter i, high
 * to low.
 */
static inline void kcb_put_imm16x4(unsigned char *site, const int word[4], uint64_t value)
{
	for (int i = 0; i < 4; i++) {
		unsigned char *w = site + 4 * word[i];
		kcb_st32le(w, (kcb_ld32le(w) & 0xffff0000u) | ((uint32_t)(value >> (48 - 16 * i)) & 0xffff));
	}
}

static inline uint64_t kcb_get_imm16x4(const unsigned char *site, const int word[4])
{
	uint64_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 16 | (kcb_ld32le(site + 4 * word[i]) & 0xffff);
	return v;
}

#endif
