// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 movabs site: REX.W (0x48, or 0x49 for r8-r15), opcode B8+r, imm64.
 * Pure buffer functions; the fixup (arch/generic) does mprotect and flush.
 */
#include "runtime_const.h"
#include "../generic/insn_words.h"

extern "C" void kcb_rc_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	kcb_st32le(p + 2, (uint32_t)value);
	kcb_st32le(p + 6, (uint32_t)(value >> 32));
}

extern "C" bool kcb_rc_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	if ((p[0] != 0x48 && p[0] != 0x49) || (p[1] & 0xf8) != 0xb8)
		return false;
	*value = (uint64_t)kcb_ld32le(p + 6) << 32 | kcb_ld32le(p + 2);
	return true;
}
