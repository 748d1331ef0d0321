/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fresh physical page under a virtual one.  cold_pointer times a DRAM
 * access to the pointer's line; its latency depends on which channel and
 * bank the page's frame sits on, which is fixed for a process and differs
 * between processes (about 12% between runs on the development VM).  The
 * latency scenario's pointer - static moved with the frame too (2.7 to 4.1
 * cycles without the store drain).  The bench moves the page to a new frame
 * every round in both, so each run samples many placements, as it samples
 * stack offsets.
 */
#ifndef KCB_BENCH_PHYSPAGE_H
#define KCB_BENCH_PHYSPAGE_H

#include <string>

/* Copy the page holding addr to a new anonymous page and map that over it
 * (same virtual address, same contents, another physical frame).  Only for
 * private, writable data pages of this single-threaded process.  Returns
 * false with *err on failure (the old page then stays). */
bool kcb_fresh_physical_page(const void *addr, std::string *err);

#endif
