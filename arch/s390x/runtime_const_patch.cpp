// SPDX-License-Identifier: GPL-2.0
/*
 * s390x site: iihf r1,I2 (0xc0 r1|8 I2) ; iilf r1,I2 (0xc0 r1|9 I2).
 * Instructions and immediates are big-endian: high half at +2, low at +8.
 */
#include "runtime_const.h"

static uint32_t ld32be(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void st32be(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (24 - 8 * i)); }

extern "C" void kcb_rc_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	st32be(p + 2, (uint32_t)(value >> 32));
	st32be(p + 8, (uint32_t)value);
}

extern "C" bool kcb_rc_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	/* same r1 in both; op2 nibble 8 = iihf, 9 = iilf */
	if (p[0] != 0xc0 || p[6] != 0xc0 || (p[1] & 0x0f) != 0x8 || (p[7] & 0x0f) != 0x9 ||
	    (p[1] >> 4) != (p[7] >> 4))
		return false;
	*value = (uint64_t)ld32be(p + 2) << 32 | ld32be(p + 8);
	return true;
}
