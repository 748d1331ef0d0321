// SPDX-License-Identifier: GPL-2.0
/*
 * A site whose instructions were changed must be rejected: decode returns
 * false for each doctored copy of a real site (opcode, instruction kind,
 * register mismatch between the instructions), and the start-up fixup
 * refuses to patch a doctored site in text (returns -1, one line on stderr)
 * and patches it again once restored.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test_runtime_const_sites.h"

struct doctor {
	unsigned int off;   /* byte in the site */
	unsigned char xr;   /* bits flipped */
	const char *what;
};

/* Byte offsets are in memory order; all our arches are little-endian but
 * s390x.  Each entry breaks the expected pattern, never only an immediate. */
#if defined(__x86_64__)
static const struct doctor rc_doctors[] = {
	{0, 0x08, "REX.W cleared (mov r32)"}, {1, 0x08, "B8+r -> B0+r (mov r8, imm8)"},
	{0, 0x04, "REX.R set"}, {1, 0x40, "opcode B8 -> F8"},
};
#elif defined(__aarch64__)
static const struct doctor rc_doctors[] = {
	{3, 0x40, "movz -> movn"}, {7, 0x20, "movk -> movz"}, {10, 0x20, "movk hw 2 -> 3"},
	{12, 0x01, "movk Rd differs"}, {15, 0x80, "movk sf=0 (w register)"},
};
#elif defined(__riscv)
static const struct doctor rc_doctors[] = {
	{0, 0x04, "lui -> OP"}, {4, 0x20, "lui -> auipc"}, {8, 0x04, "addiw opcode"},
	{12, 0x10, "addiw funct3"}, {9, 0x80, "addiw rs1 differs"}, {16, 0x04, "insn 4 opcode"},
	{20, 0x04, "insn 5 opcode"}, {24, 0x04, "insn 6 opcode"}, {28, 0x04, "insn 7 opcode"},
	{22, 0x10, "insn 5 rs2/shamt"}, {1, 0x08, "lui rd differs"},
};
#elif defined(__s390x__)
static const struct doctor rc_doctors[] = {
	{0, 0x01, "iihf op1 c0 -> c1"}, {1, 0x01, "iihf -> iilf"}, {7, 0x01, "iilf -> iilh-form"},
	{6, 0x02, "iilf op1 c0 -> c2"}, {7, 0x10, "iilf r1 differs"},
};
#endif

#if defined(__powerpc64__)
static const struct doctor pj_doctors[] = {
	{3, 0x04, "lis opcode"}, {7, 0x04, "ori opcode"}, {11, 0x04, "sldi opcode"},
	{8, 0x02, "sldi shift count"}, {15, 0x04, "oris opcode"}, {19, 0x04, "last ori opcode"},
	{18, 0x01, "last ori RA differs"}, {2, 0x01, "lis RA not 0 (addis)"},
};
#elif defined(__arm__)
static const struct doctor pj_doctors[] = {
	{0, 0x80, "movw -> movt"}, {4, 0x80, "movt -> movw"}, {1, 0x01, "movw hw1 op bits"},
	{3, 0x80, "movw hw2 bit 15"}, {7, 0x01, "movt Rd differs"}, {5, 0x08, "movt hw1 op bits"},
};
#elif defined(__i386__)
static const struct doctor pj_doctors[] = {
	{0, 0x08, "B8+r -> B0+r (mov r8, imm8)"}, {0, 0x40, "opcode B8 -> F8"},
	{0, 0x10, "opcode B8 -> A8"},
};
#elif defined(__mips__)
static const struct doctor pj_doctors[] = {
	{3, 0x04, "lui opcode"}, {7, 0x04, "ori opcode"}, {8, 0x01, "dsll funct"},
	{9, 0x80, "dsll shift amount"}, {15, 0x04, "ori 2 opcode"}, {16, 0x01, "dsll 2 funct"},
	{23, 0x04, "ori 3 opcode"}, {22, 0x01, "ori 3 rt differs"}, {3, 0x02, "lui rs not 0"},
};
#endif

#include "kcb_check.h"

static unsigned int run(const struct kcb_t_form *f, const struct doctor *d, unsigned int nd)
{
	unsigned char orig[64], buf[64];
	uint64_t v;
	unsigned char *site = (unsigned char *)f->site(0);

	CHECK(site != NULL, "%s: no site", f->name);
	if (!site)
		return 0;
	memcpy(orig, site, f->site_bytes);
	CHECK(f->dec(orig, &v), "%s: the undoctored site must decode", f->name);
	for (unsigned int i = 0; i < nd; i++) {
		CHECK(d[i].off < f->site_bytes, "%s: doctor offset %u", f->name, d[i].off);
		memcpy(buf, orig, f->site_bytes);
		buf[d[i].off] ^= d[i].xr;
		CHECK(!f->dec(buf, &v), "%s: doctored site accepted: %s", f->name, d[i].what);
	}
	/* a patched-value buffer with the same doctoring is rejected too */
	memcpy(buf, orig, f->site_bytes);
	f->enc(buf, 0);
	buf[d[0].off] ^= d[0].xr;
	CHECK(!f->dec(buf, &v), "%s: doctored patched site accepted", f->name);

	/* the fixup refuses a doctored site in text, and patches it once restored */
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)site & ~(pg - 1);
	size_t len = ((uintptr_t)site + f->site_bytes + pg - 1 - a) & ~(pg - 1);
	CHECK(mprotect((void *)a, len, PROT_READ | PROT_WRITE | PROT_EXEC) == 0, "mprotect");
	site[d[0].off] ^= d[0].xr;
	fprintf(stderr, "(expected refusal follows)\n");
	*f->val = (uintptr_t)0x12345678u;
	CHECK(f->init() == -1, "%s: fixup patched a doctored site", f->name);
	CHECK(f->verify() == 1, "%s: verify must count the doctored site", f->name);
	site[d[0].off] ^= d[0].xr;
	CHECK(mprotect((void *)a, len, PROT_READ | PROT_EXEC) == 0, "mprotect");
	__builtin___clear_cache((char *)site, (char *)site + f->site_bytes);
	CHECK(f->init() == 1 && f->verify() == 0 && f->fn() == (uintptr_t)0x12345678u,
	      "%s: restored site patches and runs", f->name);
	printf("form %s: %u doctored sites rejected, fixup refused the doctored site in text\n",
	       f->name, nd + 1);
	return nd + 1;
}

int main(void)
{
	const struct kcb_t_form *forms[8];
	unsigned int nforms = kcb_t_all_forms(forms, 8), total = 0;

	CHECK(nforms >= 1, "no patchable form on this arch");
	for (unsigned int i = 0; i < nforms; i++) {
		bool projected = strncmp(forms[i]->name, "projected", 9) == 0;
#if KCB_HAVE_RUNTIME_CONST
		if (!projected)
			total += run(forms[i], rc_doctors, sizeof(rc_doctors) / sizeof(rc_doctors[0]));
#endif
#if KCB_HAVE_PROJECTED_CONST
		if (projected)
			total += run(forms[i], pj_doctors, sizeof(pj_doctors) / sizeof(pj_doctors[0]));
#endif
		(void)projected;
	}
	printf("arch %s: %u doctored sites checked over %u form(s), %d failure(s)\n", KCB_ARCH_NAME,
	       total, nforms, failures);
	return failures ? 1 : 0;
}
