// SPDX-License-Identifier: GPL-2.0
/* bench/physpage: pages move to other frames and keep contents, protection
 * and residency; code on a moved page still runs. */
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "context.h"
#include "physpage.h"

#include "kcb_check.h"

static unsigned char data_block[3 * 65536]; /* .bss: the image's own data */

extern "C" __attribute__((noinline)) int kcb_test_moved_fn(int x)
{
	__asm__ volatile("" : "+r"(x)); /* keep a real call */
	return 3 * x + 1;
}

/* the page frame number behind addr, 0 when unknown (no CAP_SYS_ADMIN;
 * not called under emulation, where pagemap is the host's) */
static uint64_t pfn(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)addr / (uintptr_t)sysconf(_SC_PAGESIZE) * 8);
	if (pread(fd, &e, 8, off) != 8)
		e = 0;
	close(fd);
	return (e >> 63) & 1 ? e & ((1ull << 55) - 1) : 0;
}

/* the permission field of the mapping holding addr, "" if none */
static std::string perms(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[640], perm[8];
	unsigned long a, b;
	std::string r;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perm) == 3 && a <= (uintptr_t)addr && (uintptr_t)addr < b)
			r = perm;
	if (f)
		fclose(f);
	return r;
}

int main()
{
	const size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	std::string err, why;
	const bool emulated = kcb_detect_emulation(&why);

	/* a mapping of 4 pages: 0 and 2 touched, 1 and 3 never; then read-only */
	unsigned char *m = (unsigned char *)mmap(nullptr, 4 * psz, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap");
	for (size_t i = 0; i < psz; i++) {
		m[i] = (unsigned char)(i * 7);
		m[2 * psz + i] = (unsigned char)(i * 13);
	}
	CHECK(mprotect(m, 4 * psz, PROT_READ) == 0, "mprotect");
	/* under qemu-user /proc/self/pagemap is the host's, indexed by host
	 * addresses: a guest address reads some other page's entry */
	uint64_t before = emulated ? 0 : pfn(m);

	unsigned int moved = 0;
	bool ok;
	if (emulated) /* kcb_bench moves no frames under QEMU: the page primitive only */
		ok = kcb_fresh_physical_page(m, &err) && kcb_fresh_physical_page(m + 2 * psz, &err);
	else
		ok = kcb_fresh_physical_frames({{(uintptr_t)m, 4 * psz}}, &moved, &err);
	CHECK(ok, "moving frames failed: %s", err.c_str());
	bool same = true;
	for (size_t i = 0; i < psz; i++)
		same &= m[i] == (unsigned char)(i * 7) && m[2 * psz + i] == (unsigned char)(i * 13);
	CHECK(same, "contents changed by the move");
	unsigned char res[4] = {9, 9, 9, 9};
	CHECK(mincore(m, 4 * psz, res) == 0, "mincore");
	CHECK((res[0] & 1) && (res[2] & 1), "touched pages not resident after the move");
	CHECK(!(res[1] & 1) && !(res[3] & 1), "untouched pages were populated (%d %d)", res[1], res[3]);
	CHECK(perms(m) == "r--p", "protection not kept: %s", perms(m).c_str());
	uint64_t after = emulated ? 0 : pfn(m);
	if (before && after)
		CHECK(before != after, "page still on frame %llu", (unsigned long long)after);
	else
		printf("physpage: frame numbers not readable here (%s); frame change not checked\n",
		       emulated ? "emulated" : "no CAP_SYS_ADMIN");

	if (!emulated) {
		/* the image: data keeps its values and stays writable, code runs */
		memset(data_block, 0x5a, sizeof(data_block));
		unsigned char *d = data_block + psz;
		uint64_t dbefore = pfn(d);
		uintptr_t fn_page = (uintptr_t)&kcb_test_moved_fn & ~(psz - 1);
		uint64_t tbefore = pfn((void *)fn_page);
		CHECK(kcb_fresh_physical_frames({}, &moved, &err), "image move failed: %s", err.c_str());
		CHECK(moved >= 2, "only %u pages moved", moved);
		CHECK(d[0] == 0x5a && d[psz - 1] == 0x5a, "data changed by the move");
		d[1] = 0xa5;
		CHECK(d[1] == 0xa5, "data page not writable after the move");
		CHECK(kcb_test_moved_fn(5) == 16, "code on a moved page gives the wrong result");
		CHECK(perms((void *)fn_page).substr(0, 3) == "r-x", "text page protection: %s",
		      perms((void *)fn_page).c_str());
		if (dbefore && tbefore) {
			CHECK(pfn(d) != dbefore, "data page kept its frame");
			CHECK(pfn((void *)fn_page) != tbefore, "text page kept its frame");
		}
	}

	/* no page there: an error, not a crash */
	void *hole = mmap(nullptr, psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err.clear();
	CHECK(!kcb_fresh_physical_page(hole, &err) && !err.empty(), "a PROT_NONE page was moved");

	printf("physpage: %u checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
