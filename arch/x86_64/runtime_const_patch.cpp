// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 movabs site: REX.W (0x48, or 0x49 for r8-r15), opcode B8+r, imm64.
 * Pure buffer functions; the fixup (arch/generic) does mprotect and flush.
 */
#include <string.h>
#include "runtime_const.h"

extern "C" void kcb_rc_encode(void *site, uint64_t value)
{
	unsigned char *p = (unsigned char *)site;
	for (int i = 0; i < 8; i++)
		p[2 + i] = (unsigned char)(value >> (8 * i));
}

extern "C" bool kcb_rc_decode(const void *site, uint64_t *value)
{
	const unsigned char *p = (const unsigned char *)site;
	if ((p[0] != 0x48 && p[0] != 0x49) || (p[1] & 0xf8) != 0xb8)
		return false;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[2 + i];
	*value = v;
	return true;
}
