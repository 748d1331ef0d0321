// SPDX-License-Identifier: GPL-2.0
#include "physpage.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

extern "C" char __executable_start[], _end[];

namespace {

uintptr_t page_size(void)
{
	static const uintptr_t psz = (uintptr_t)sysconf(_SC_PAGESIZE);
	return psz;
}

char *pool;
size_t pool_next;

std::string errno_line(const char *what)
{
	return std::string(what) + ": " + strerror(errno);
}

bool pool_init(std::string *err)
{
	const size_t len = KCB_FRAME_POOL_PAGES * page_size();
	void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		*err = errno_line("mmap (frame pool)");
		return false;
	}
	madvise(p, len, MADV_NOHUGEPAGE); /* one frame per slot, moved one at a time */
	pool = (char *)p;
	return true;
}

#if defined(__SANITIZE_ADDRESS__)
/* A page of the image holds many globals and the ASan redzones between
 * them.  Moving the page copies all of it, redzones included: that is no
 * access to any object, so this copy (and nothing else) is left unchecked:
 * uninstrumented, and no loop the compiler could turn into an intercepted
 * memcpy. */
__attribute__((no_sanitize_address, optimize("no-tree-loop-distribute-patterns")))
void copy_page(void *dst, const void *src, size_t len)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	for (size_t i = 0; i < len / sizeof(*d); i++)
		d[i] = s[i];
}
#else
void copy_page(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
}
#endif

/* the page at `page` onto the next pool frame, with its contents and `prot` */
bool move_page(uintptr_t page, int prot, std::string *err)
{
	const size_t psz = page_size();
	if (!pool && !pool_init(err))
		return false;
	char *slot = pool + pool_next * psz;
	copy_page(slot, (const void *)page, psz);
	if (prot & PROT_EXEC) /* arm64 and others: the copy must reach the I-side */
		__builtin___clear_cache(slot, slot + psz);
	if (prot != (PROT_READ | PROT_WRITE) && mprotect(slot, psz, prot)) {
		*err = errno_line("mprotect");
		mprotect(slot, psz, PROT_READ | PROT_WRITE);
		return false;
	}
	if (mremap(slot, psz, psz, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)page) == MAP_FAILED) {
		*err = errno_line("mremap");
		mprotect(slot, psz, PROT_READ | PROT_WRITE);
		return false;
	}
	/* refill the slot; it most likely gets the frame just freed, which
	 * comes round again only after KCB_FRAME_POOL_PAGES more moves */
	if (mmap(slot, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1,
		 0) == MAP_FAILED) {
		*err = errno_line("mmap (frame pool refill)");
		return false;
	}
	pool_next = (pool_next + 1) % KCB_FRAME_POOL_PAGES;
	return true;
}

struct segment {
	uintptr_t start, end;
	int prot;
};

/* private, readable mappings of /proc/self/maps clipped to `want` */
bool readable_segments(const std::vector<kcb_range> &want, std::vector<segment> *out, std::string *err)
{
	const uintptr_t psz = page_size();
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f) {
		*err = errno_line("/proc/self/maps");
		return false;
	}
	char line[640];
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perm[8];
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perm) != 3 || perm[0] != 'r' || perm[3] != 'p')
			continue;
		int prot = PROT_READ | (perm[1] == 'w' ? PROT_WRITE : 0) | (perm[2] == 'x' ? PROT_EXEC : 0);
		for (const kcb_range &w : want) {
			uintptr_t lo = std::max<uintptr_t>(a, w.start & ~(psz - 1));
			uintptr_t hi = std::min<uintptr_t>(b, (w.start + w.len + psz - 1) & ~(psz - 1));
			if (lo < hi)
				out->push_back({lo, hi, prot});
		}
	}
	fclose(f);
	return true;
}

} // namespace

bool kcb_fresh_physical_page(const void *addr, std::string *err)
{
	const uintptr_t page = (uintptr_t)addr & ~(page_size() - 1);
	std::vector<segment> segs;
	if (!readable_segments({{page, 1}}, &segs, err))
		return false;
	if (segs.empty()) {
		*err = "no private readable page at the address";
		return false;
	}
	return move_page(page, segs[0].prot, err);
}

bool kcb_fresh_physical_frames(const std::vector<kcb_range> &extra, unsigned int *moved, std::string *err)
{
	const uintptr_t psz = page_size();
	std::vector<kcb_range> want = extra;
	want.push_back({(uintptr_t)__executable_start, (size_t)(_end - __executable_start)});
	std::vector<segment> segs;
	if (!readable_segments(want, &segs, err))
		return false;
	unsigned int n = 0;
	for (const segment &s : segs) {
		std::vector<unsigned char> resident((s.end - s.start) / psz);
		if (mincore((void *)s.start, s.end - s.start, resident.data())) {
			*err = errno_line("mincore");
			return false;
		}
		for (size_t i = 0; i < resident.size(); i++) {
			if (!(resident[i] & 1))
				continue;
			if (!move_page(s.start + i * psz, s.prot, err))
				return false;
			n++;
		}
	}
	if (moved)
		*moved = n;
	return true;
}
