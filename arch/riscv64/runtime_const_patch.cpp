// SPDX-License-Identifier: GPL-2.0
/*
 * riscv64 site (32 bytes, 8 little-endian 32-bit words):
 *   +0 lui R  +4 lui T  +8 addiw R,R  +12 addiw T,T   (low half in R, high in T)
 *   then base: slli T,T,32; slli R,R,32; srli R,R,32; add R,R,T
 *        Zba:  slli T,T,32; add.uw R,R,T; nop; nop
 *        Zbkb: pack R,R,T; nop; nop; nop
 * A half is patched as the kernel's __runtime_fixup_32(): lui takes
 * imm[31:12] with the carry of the sign-extended imm[11:0] that addiw adds;
 * a part that is 0 becomes a nop, and addiw then reads x0 when its lui was
 * nopped.  One deviation: for a half that is 0 the kernel would nop both and
 * leave the register undefined; we keep `addiw R,x0,0` so it reads 0.
 * The form and registers are read from the unpatched tail.
 */
#include "runtime_const.h"
#include "../generic/insn_words.h"

enum { RV_NOP = 0x00000013, OP_LUI = 0x37, OP_ADDIW = 0x1b, OP_IMM = 0x13, OP_OP = 0x33, OP_OP32 = 0x3b };


static uint32_t r_type(uint32_t op, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1, uint32_t rs2)
{
	return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
static uint32_t shift32(uint32_t f3, uint32_t r) { return OP_IMM | r << 7 | f3 << 12 | r << 15 | 32u << 20; }

/* The unpatched tail names R and T; returns false if it is no known form. */
static bool rv_tail(const unsigned char *p, uint32_t *R, uint32_t *T)
{
	uint32_t w4 = kcb_ld32le(p + 16), w5 = kcb_ld32le(p + 20), w6 = kcb_ld32le(p + 24), w7 = kcb_ld32le(p + 28);
	uint32_t r, t;

	if ((w4 & 0x7f) == OP_OP) { /* Zbkb: pack R,R,T */
		r = (w4 >> 7) & 31;
		t = (w4 >> 20) & 31;
		if (w4 != r_type(OP_OP, 4, 4, r, r, t) || w5 != RV_NOP || w6 != RV_NOP || w7 != RV_NOP)
			return false;
	} else {
		t = (w4 >> 7) & 31;
		if (w4 != shift32(1, t))
			return false;
		r = (w5 >> 7) & 31;
		bool base = w5 == shift32(1, r) && w6 == shift32(5, r) &&
			    w7 == r_type(OP_OP, 0, 0, r, r, t);
		bool zba = w5 == r_type(OP_OP32, 0, 4, r, r, t) && w6 == RV_NOP && w7 == RV_NOP;
		if (!base && !zba)
			return false;
	}
	if (r == 0 || t == 0 || r == t)
		return false;
	*R = r;
	*T = t;
	return true;
}

static void rv_encode_half(unsigned char *lui_p, unsigned char *addi_p, uint32_t reg, uint32_t val)
{
	int32_t lower = (int32_t)(val << 20) >> 20; /* sign-extended imm[11:0] */
	uint32_t upper = val - (uint32_t)lower;
	bool have_lui = (upper & 0xfffff000u) != 0;
	uint32_t lui = have_lui ? (uint32_t)(OP_LUI | reg << 7 | (upper & 0xfffff000u)) : (uint32_t)RV_NOP;
	uint32_t addi;

	if (lower != 0 || !have_lui)
		addi = OP_ADDIW | reg << 7 | (have_lui ? reg : 0) << 15 | ((uint32_t)lower & 0xfff) << 20;
	else
		addi = RV_NOP;
	kcb_st32le(addi_p, addi);
	kcb_st32le(lui_p, lui);
}

static bool rv_decode_half(const unsigned char *lui_p, const unsigned char *addi_p, uint32_t reg, uint32_t *val)
{
	uint32_t lui = kcb_ld32le(lui_p), addi = kcb_ld32le(addi_p), v = 0;
	bool have_lui = lui != RV_NOP;

	if (have_lui) {
		if ((lui & 0xfff) != (OP_LUI | reg << 7))
			return false;
		v = lui & 0xfffff000u;
	}
	if (addi == RV_NOP) {
		if (!have_lui)
			return false; /* register never written */
	} else {
		uint32_t src = have_lui ? reg : 0;
		if ((addi & 0xfffff) != (OP_ADDIW | reg << 7 | src << 15))
			return false;
		v += (uint32_t)((int32_t)addi >> 20);
	}
	*val = v;
	return true;
}

extern "C" void kcb_rc_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	uint32_t R, T;

	if (!rv_tail(p, &R, &T))
		return; /* not a site: the fixup decodes first and reports it */
	rv_encode_half(p + 0, p + 8, R, (uint32_t)value);
	rv_encode_half(p + 4, p + 12, T, (uint32_t)(value >> 32));
}

extern "C" bool kcb_rc_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	uint32_t R, T, lo, hi;

	if (!rv_tail(p, &R, &T) || !rv_decode_half(p + 0, p + 8, R, &lo) ||
	    !rv_decode_half(p + 4, p + 12, T, &hi))
		return false;
	*value = (uint64_t)hi << 32 | lo;
	return true;
}
