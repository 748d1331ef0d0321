/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program's text on a 2 MiB page, as the kernel image's text sits on
 * 2 MiB mappings.  kcb_bench is linked with 2 MiB segment alignment
 * (bench/CMakeLists.txt), so its executable segment starts a 2 MiB range
 * that nothing else shares.  The text is copied to an anonymous,
 * MADV_HUGEPAGE region that THP backs with one huge page, made read+exec,
 * and mremap()ed over the original in one step: the bytes at every
 * address stay the same, so the code doing it runs on.  Done once after
 * the runtime_const sites and static keys are patched (text is never
 * written again; a later mprotect of a part would split the page).
 */
#ifndef KCB_BENCH_HUGETEXT_H
#define KCB_BENCH_HUGETEXT_H

#include <string>

/* Move the text onto a 2 MiB THP page when `want` (--pages 2m) and the
 * run is native.  Returns what backs the text, for context.pages:
 * "text: 2m (THP, N kB AnonHugePages)" or "text: 4k (<why>)".  Any step
 * that fails leaves the text where it was. */
std::string kcb_text_on_huge_page(bool want, bool emulated);

#endif
