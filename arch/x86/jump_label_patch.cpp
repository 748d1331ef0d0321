// SPDX-License-Identifier: GPL-2.0
/*
 * x86 jump-label forms (x86_64 and i686): jmp rel8 (eb) / jmp rel32 (e9)
 * and the kernel's nops of the same length (66 90; 0f 1f 44 00 00).
 */
#include <string.h>

#include "jump_label.h"
#include "../generic/insn_words.h"

static const unsigned char nop2[] = {0x66, 0x90};
static const unsigned char nop5[] = {0x0f, 0x1f, 0x44, 0x00, 0x00};

extern "C" unsigned int kcb_jl_insn_len(const void *site)
{
	const unsigned char *p = (const unsigned char *)site;
	if (p[0] == 0xeb || !memcmp(p, nop2, 2))
		return 2;
	if (p[0] == 0xe9 || !memcmp(p, nop5, 5))
		return 5;
	return 0;
}

extern "C" void kcb_jl_encode(unsigned char *buf, const void *site, const void *target, bool jump,
			      unsigned int len)
{
	intptr_t rel = (intptr_t)target - ((intptr_t)site + (intptr_t)len);
	if (!jump) {
		memcpy(buf, len == 2 ? nop2 : nop5, len);
	} else if (len == 2) {
		buf[0] = 0xeb;
		buf[1] = (unsigned char)(int8_t)rel;
	} else {
		buf[0] = 0xe9;
		kcb_st32le(buf + 1, (uint32_t)(int32_t)rel);
	}
}
