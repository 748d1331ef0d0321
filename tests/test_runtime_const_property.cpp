// SPDX-License-Identifier: GPL-2.0
/*
 * Property test of every patchable form on this arch (runtime_const; on
 * riscv64 base, Zba and Zbkb; projected where the kernel has none):
 * edge values plus 10,000 random values (fixed, printed seed) go
 *  1. through kcb_*_encode/decode on a copy of a real compiler-emitted site,
 *     fresh each time and chained (re-patching an already patched site);
 *  2. into the real site in text (the start-up fixup), then the site is
 *     executed and verified.
 * Also: the encoder reproduces the compiler's bytes for its own placeholder,
 * and a symbol without sites patches and verifies as 0 sites.
 */
#include <stdio.h>
#include <string.h>
#include <vector>
#include "test_runtime_const_sites.h"

#define SEED 0x6b63622d72632d31ull /* "kcb-rc-1" */
#define NRANDOM 10000

#include "kcb_check.h"

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static std::vector<uint64_t> edge_values(void)
{
	/* 32-bit halves that hit every special case of a lui+addiw pair (a part
	 * 0, sign carry into lui, carry to 2^31), of 16-bit fields (sign bit)
	 * and kernel-address halves; every (hi, lo) pair is tried. */
	static const uint32_t halves[] = {
		0x00000000, 0xffffffff, 0x80000000, 0x7fffffff, 0x00000001, 0x000007ff,
		0x00000800, 0x00000fff, 0x00001000, 0xfffff800, 0xfffff7ff, 0x7ffff800,
		0x7ffff7ff, 0x80000800, 0x12345000, 0x00008000, 0x80008000, 0xffff8000,
		0xffff8880, 0x81000000, 0xc0000000, 0x0000ffff, 0xffff0000, 0x89abcdef,
	};
	static const uint64_t kernel[] = {
		0xffff888000000000ull, 0xffff888012345678ull, 0xffff88810a2b3c40ull,
		0xffffffff80000000ull, 0xffffffff81000000ull, 0xffffffffc0000000ull,
		0xffffea0000000000ull, 0xffffc90000000000ull, 0xffff000000000000ull,
		0xffffffd800000000ull, 0xff60000000000000ull, 0x000003ff80000000ull,
		0x8000000000000000ull, 0x0000000100000000ull, 0x0123456789abcdefull,
	};
	std::vector<uint64_t> v;
	for (uint32_t hi : halves)
		for (uint32_t lo : halves)
			v.push_back((uint64_t)hi << 32 | lo);
	for (uint64_t k : kernel)
		v.push_back(k);
	for (int b = 0; b < 64; b++) { /* every bit: the sign bit of each 12/16/20/32-bit field */
		v.push_back(1ull << b);
		v.push_back(~(1ull << b));
	}
	return v;
}

static unsigned int check_form(const struct kcb_t_form *f, const std::vector<uint64_t> &values)
{
	const uint64_t mask = f->value_bits == 64 ? ~0ull : (1ull << f->value_bits) - 1;
	unsigned int n = f->nsites(), checked = 0;
	unsigned char orig[64], buf[64], chain[64];
	uint64_t got = 0;

	printf("form %s: %s, %u-byte site, %u-bit values, %u site(s)\n", f->name, f->sequence,
	       f->site_bytes, f->value_bits, n);
	CHECK(n == 1, "%s: expected exactly 1 site, found %u", f->name, n);
	if (n < 1 || f->site_bytes > sizeof(orig))
		return 0;

	/* the compiler's own bytes, before any patching */
	memcpy(orig, f->site(0), f->site_bytes);
	CHECK(f->dec(orig, &got) && got == f->placeholder,
	      "%s: unpatched site decodes to %#llx, want %#llx", f->name, (unsigned long long)got,
	      (unsigned long long)f->placeholder);
	memcpy(buf, orig, f->site_bytes);
	f->enc(buf, f->placeholder);
	CHECK(memcmp(buf, orig, f->site_bytes) == 0,
	      "%s: encoding the placeholder does not reproduce the assembler's bytes", f->name);

	memcpy(chain, orig, f->site_bytes);
	for (uint64_t raw : values) {
		uint64_t v = raw & mask;

		memcpy(buf, orig, f->site_bytes);
		f->enc(buf, v);
		got = ~v;
		CHECK(f->dec(buf, &got) && got == v, "%s: buffer %#llx decodes to %#llx", f->name,
		      (unsigned long long)v, (unsigned long long)got);
		f->enc(chain, v);
		got = ~v;
		CHECK(f->dec(chain, &got) && got == v, "%s: re-patched buffer %#llx decodes to %#llx",
		      f->name, (unsigned long long)v, (unsigned long long)got);

		*f->val = (uintptr_t)v;
		int r = f->init();
		CHECK(r == 1, "%s: patching %#llx returned %d", f->name, (unsigned long long)v, r);
		uintptr_t x = f->fn();
		CHECK(x == (uintptr_t)v, "%s: patched site executes to %#llx, want %#llx", f->name,
		      (unsigned long long)x, (unsigned long long)v);
		CHECK(f->verify() == 0, "%s: verify after patching %#llx", f->name,
		      (unsigned long long)v);
		checked++;
	}
	printf("form %s: %u values checked (buffer fresh + chained, patched in text + executed)\n",
	       f->name, checked);
	return checked;
}

/* a symbol with no site anywhere: weak section bounds, 0 sites */
extern "C" uintptr_t kcb_t_nosites;
uintptr_t kcb_t_nosites = 1;

int main(void)
{
	const struct kcb_t_form *forms[8];
	unsigned int nforms = kcb_t_all_forms(forms, 8), total = 0;
	std::vector<uint64_t> values = edge_values();
	size_t nedge = values.size();
	uint64_t s = SEED;

	for (int i = 0; i < NRANDOM; i++)
		values.push_back(splitmix64(&s));
	printf("arch %s: runtime_const %s (%s), projected %s; seed %#llx, %zu edge + %d random values\n",
	       KCB_ARCH_NAME, KCB_HAVE_RUNTIME_CONST ? "yes" : "no: asm-generic pointer load",
	       KCB_RC_SEQUENCE, KCB_HAVE_PROJECTED_CONST ? "yes (no kernel support)" : "no",
	       (unsigned long long)SEED, nedge, NRANDOM);

	CHECK(nforms >= 1, "no patchable form on this arch");
#if defined(__riscv)
	CHECK(nforms == 3, "riscv64 must test base, Zba and Zbkb, got %u forms", nforms);
#endif
	CHECK(runtime_const_sites(kcb_t_nosites) == 0, "site count of a sym without sites");
	CHECK(runtime_const_init(ptr, kcb_t_nosites) == 0, "patching a sym without sites");
	CHECK(runtime_const_verify(ptr, kcb_t_nosites) == 0, "verifying a sym without sites");
#if KCB_HAVE_PROJECTED_CONST
	CHECK(projected_const_sites(kcb_t_nosites) == 0, "projected site count without sites");
	CHECK(projected_const_init(ptr, kcb_t_nosites) == 0, "projected patch without sites");
#endif

	for (unsigned int i = 0; i < nforms; i++)
		total += check_form(forms[i], values);

	printf("%u values checked over %u form(s), %d failure(s)\n", total, nforms, failures);
	return failures ? 1 : 0;
}
