/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fresh physical frames under the benchmark's own pages.  Which frames a
 * process's pages sit on is fixed for its life and differs between runs, and
 * it shows: on the development VM many_caches' medians moved by up to 23%
 * from run to run with everything else equal (a whole run slow, every round),
 * cold_pointer's DRAM access by 12%.  So every round the bench moves each
 * resident page of its image (text, data, bss) and of the slab arena to
 * other frames: one run then samples 50 placements, as it samples 5 stack
 * offsets.  It also treats the variants alike: the runtime_const sites'
 * pages are private copies (patched at start-up) while the rest of the text
 * is page cache; after the first move all of it is private.
 *
 * Frames come from a pool of KCB_FRAME_POOL_PAGES pages taken round-robin:
 * a freed frame is the next one the kernel hands out (LIFO), so fresh
 * anonymous pages alone would swap the same two frames back and forth.
 */
#ifndef KCB_BENCH_PHYSPAGE_H
#define KCB_BENCH_PHYSPAGE_H

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#define KCB_FRAME_POOL_PAGES 256

struct kcb_range {
	uintptr_t start;
	size_t len;
};

/* Copy the page holding addr to a frame of the pool and map that over it:
 * same virtual address, contents and protection, another physical frame.
 * For private pages of this single-threaded process.  False with *err on
 * failure (the old page then stays). */
bool kcb_fresh_physical_page(const void *addr, std::string *err);

/* The same for every resident, readable page of this program's image
 * (__executable_start to _end) and of `extra`.  Pages never touched stay
 * unpopulated; *moved (if not NULL) counts the pages moved. */
bool kcb_fresh_physical_frames(const std::vector<kcb_range> &extra, unsigned int *moved, std::string *err);

#endif
