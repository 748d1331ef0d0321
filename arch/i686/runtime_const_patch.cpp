// SPDX-License-Identifier: GPL-2.0
/*
 * i686 projected site, "projected (no kernel support)": B8+r imm32
 * (mov $imm32,%reg), immediate little-endian at +1.
 */
#include "runtime_const.h"

extern "C" void kcb_projected_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	for (int i = 0; i < 4; i++)
		p[1 + i] = (unsigned char)(value >> (8 * i));
}

extern "C" bool kcb_projected_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	if ((p[0] & 0xf8) != 0xb8)
		return false;
	*value = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
	return true;
}
