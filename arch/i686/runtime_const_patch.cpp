// SPDX-License-Identifier: GPL-2.0
/*
 * i686 projected site, "projected (no kernel support)": B8+r imm32
 * (mov $imm32,%reg), immediate little-endian at +1.
 */
#include "runtime_const.h"
#include "../generic/insn_words.h"

extern "C" void kcb_projected_encode(void *site, uint64_t value)
{
	kcb_st32le((unsigned char *)site + 1, (uint32_t)value);
}

extern "C" bool kcb_projected_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	if ((p[0] & 0xf8) != 0xb8)
		return false;
	*value = kcb_ld32le(p + 1);
	return true;
}
