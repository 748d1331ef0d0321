// SPDX-License-Identifier: GPL-2.0
/*
 * armhf projected site, "projected (no kernel support)": Thumb-2
 *   movw rd,#lo16 (T3: F240|i<<10|imm4, imm3<<12|rd<<8|imm8)
 *   movt rd,#hi16 (T1: F2C0|i<<10|imm4, same second halfword)
 * Each instruction is two little-endian halfwords, first halfword first;
 * imm16 = imm4:i:imm3:imm8.
 */
#include "runtime_const.h"

static uint32_t ld16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static void st16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }

static void t2_set_imm16(unsigned char *p, uint32_t imm)
{
	uint32_t hw1 = ld16(p) & ~0x040fu, hw2 = ld16(p + 2) & ~0x70ffu;
	hw1 |= ((imm >> 11) & 1) << 10 | (imm >> 12);
	hw2 |= ((imm >> 8) & 7) << 12 | (imm & 0xff);
	st16(p, hw1);
	st16(p + 2, hw2);
}

static bool t2_get(const unsigned char *p, uint32_t opc, uint32_t *rd, uint32_t *imm)
{
	uint32_t hw1 = ld16(p), hw2 = ld16(p + 2);
	if ((hw1 & 0xfbf0) != opc || (hw2 & 0x8000))
		return false;
	*rd = (hw2 >> 8) & 15;
	*imm = (hw1 & 15) << 12 | ((hw1 >> 10) & 1) << 11 | ((hw2 >> 12) & 7) << 8 | (hw2 & 0xff);
	return true;
}

extern "C" void kcb_projected_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	t2_set_imm16(p, (uint32_t)value & 0xffff);
	t2_set_imm16(p + 4, ((uint32_t)value >> 16) & 0xffff);
}

extern "C" bool kcb_projected_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	uint32_t rd0, rd1, lo, hi;
	if (!t2_get(p, 0xf240, &rd0, &lo) || !t2_get(p + 4, 0xf2c0, &rd1, &hi) || rd0 != rd1 ||
	    rd0 == 13 || rd0 == 15)
		return false;
	*value = hi << 16 | lo;
	return true;
}
