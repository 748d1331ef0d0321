// SPDX-License-Identifier: GPL-2.0
/*
 * The program's text on a 2 MiB THP page (bench/hugetext.h): find the
 * executable segment, check that its 2 MiB range holds nothing else, build
 * a huge-page copy and mremap it over the text.
 */
#include "hugetext.h"

#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <vector>

#include "context.h"

#define KCB_HUGE_SIZE (2ul << 20)

namespace {

struct segment {
	uintptr_t start, end;
	bool exec;
};

/* the main program's PT_LOAD segments: the first object dl_iterate_phdr
 * reports */
int main_segments(struct dl_phdr_info *info, size_t, void *data)
{
	auto *out = (std::vector<segment> *)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) &p = info->dlpi_phdr[i];
		if (p.p_type == PT_LOAD)
			out->push_back({info->dlpi_addr + p.p_vaddr, info->dlpi_addr + p.p_vaddr + p.p_memsz,
					(p.p_flags & PF_X) != 0});
	}
	return 1;
}

/* true when every mapping in [lo, hi) lies inside [start, end) */
bool only_mapping(uintptr_t lo, uintptr_t hi, uintptr_t start, uintptr_t end, std::string *why)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f) {
		*why = std::string("/proc/self/maps: ") + strerror(errno);
		return false;
	}
	char line[512];
	bool ok = true;
	while (ok && fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && a < hi && b > lo && (a < start || b > end)) {
			*why = "something else is mapped in its 2 MiB range";
			ok = false;
		}
	}
	fclose(f);
	return ok;
}

std::string small(const std::string &why)
{
	return "text: 4k (" + why + ")";
}

} /* namespace */

std::string kcb_text_on_huge_page(bool want, bool emulated)
{
	if (!want)
		return small("--pages 4k");
	if (emulated)
		return small("emulated: page sizes mean nothing under QEMU");
	std::vector<segment> segs;
	dl_iterate_phdr(main_segments, &segs);
	const segment *text = nullptr;
	for (const segment &s : segs)
		if (s.exec) {
			if (text)
				return small("more than one executable segment");
			text = &s;
		}
	if (!text)
		return small("no executable segment found");
	uintptr_t lo = text->start & ~(KCB_HUGE_SIZE - 1);
	uintptr_t hi = (text->end + KCB_HUGE_SIZE - 1) & ~(KCB_HUGE_SIZE - 1);
	size_t len = hi - lo;
	for (const segment &s : segs)
		if (&s != text && s.start < hi && s.end > lo)
			return small("another segment shares its 2 MiB range: not linked with -z max-page-size=0x200000");
	uintptr_t page_end = (text->end + 4095) & ~4095ul;
	std::string why;
	if (!only_mapping(lo, hi, text->start & ~4095ul, page_end, &why))
		return small(why);

	/* a 2 MiB-aligned scratch region, THP-backed on its first write */
	void *raw = mmap(nullptr, len + KCB_HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return small(std::string("mmap: ") + strerror(errno));
	uintptr_t r = (uintptr_t)raw;
	uintptr_t tmp = (r + KCB_HUGE_SIZE - 1) & ~(KCB_HUGE_SIZE - 1);
	if (tmp > r)
		munmap(raw, tmp - r);
	if (r + len + KCB_HUGE_SIZE > tmp + len)
		munmap((void *)(tmp + len), r + len + KCB_HUGE_SIZE - (tmp + len));
	if (madvise((void *)tmp, len, MADV_HUGEPAGE) != 0) {
		int e = errno;
		munmap((void *)tmp, len);
		return small(std::string("madvise(MADV_HUGEPAGE): ") + strerror(e) + "; " + kcb_thp_mode());
	}
	memcpy((void *)(tmp + (text->start - lo)), (const void *)text->start, text->end - text->start);
	long kb = kcb_anon_huge_kb(tmp, len);
	if (kb < (long)(len >> 10)) {
		munmap((void *)tmp, len);
		return small("THP gave " + std::to_string(kb < 0 ? 0 : kb) + " of " + std::to_string(len >> 10) +
			     " kB; " + kcb_thp_mode());
	}
	__builtin___clear_cache((char *)tmp, (char *)(tmp + len));
	if (mprotect((void *)tmp, len, PROT_READ | PROT_EXEC) != 0) {
		int e = errno;
		munmap((void *)tmp, len);
		return small(std::string("mprotect: ") + strerror(e));
	}
	/* one step: the text's bytes stay the same at every address */
	if (mremap((void *)tmp, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)lo) == MAP_FAILED) {
		int e = errno;
		munmap((void *)tmp, len);
		return small(std::string("mremap: ") + strerror(e));
	}
	kb = kcb_anon_huge_kb(lo, len);
	char buf[160];
	snprintf(buf, sizeof(buf), "text: 2m (THP, %ld kB AnonHugePages at 0x%lx)", kb, (unsigned long)lo);
	return kb >= (long)(len >> 10) ? std::string(buf) : small("the huge page did not survive mremap");
}
