// SPDX-License-Identifier: GPL-2.0
#include "physpage.h"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

bool kcb_fresh_physical_page(const void *addr, std::string *err)
{
	const uintptr_t psz = (uintptr_t)sysconf(_SC_PAGESIZE);
	void *page = (void *)((uintptr_t)addr & ~(psz - 1));
	void *fresh = mmap(nullptr, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh == MAP_FAILED) {
		*err = std::string("mmap: ") + strerror(errno);
		return false;
	}
	memcpy(fresh, page, psz); /* faults the new frame in, with the contents */
	if (mremap(fresh, psz, psz, MREMAP_MAYMOVE | MREMAP_FIXED, page) == MAP_FAILED) {
		*err = std::string("mremap: ") + strerror(errno);
		munmap(fresh, psz);
		return false;
	}
	return true;
}
