// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 site: movz xd,#a ; movk xd,#b,lsl 16 ; movk xd,#c,lsl 32 ;
 * movk xd,#d,lsl 48.  Little-endian 32-bit words; imm16 at bits 5..20,
 * hw (shift/16) at bits 21..22, Rd at bits 0..4.
 */
#include <string.h>
#include "runtime_const.h"
#include "../generic/insn_words.h"


extern "C" void kcb_rc_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	for (int i = 0; i < 4; i++) {
		uint32_t insn = kcb_ld32le(p + 4 * i) & ~(0xffffu << 5);
		kcb_st32le(p + 4 * i, insn | (uint32_t)((value >> (16 * i)) & 0xffff) << 5);
	}
}

extern "C" bool kcb_rc_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	uint32_t rd = kcb_ld32le(p) & 0x1f;
	uint64_t v = 0;
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t insn = kcb_ld32le(p + 4 * i);
		/* sf=1, opc=10 (movz) for the first, 11 (movk) after; hw=i */
		uint32_t want = (i ? 0xf2800000u : 0xd2800000u) | i << 21 | rd;
		if ((insn & 0xffe0001fu) != want)
			return false;
		v |= (uint64_t)((insn >> 5) & 0xffff) << (16 * i);
	}
	*value = v;
	return true;
}
