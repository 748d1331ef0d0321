/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the machine and the build, for the results' "context". */
#ifndef KCB_BENCH_CONTEXT_H
#define KCB_BENCH_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include <string>

struct kcb_context {
	std::string host, cpu_model, kernel, arch, triple, compiler, flags;
	int cores = 0;
	bool emulated = false;
	std::string execution_why;      /* how emulation was detected (or not) */
	std::string qemu_version, qemu_cpu; /* "" when native */
	std::string governor;           /* "" when unreadable */
	std::string date, git_rev, command;
	std::string config;             /* distro, minimal (kernels/include/kconfig.h) */
	std::string pages;              /* page sizes under the arena and the text, in words */
	std::string aslr;               /* how address randomisation stood */
	int pinned_cpu = -1;            /* -1: not pinned */
	std::string pin_note;
};

/* Emulated or native, with the reason in words.  Documented in METHOD.md. */
bool kcb_detect_emulation(std::string *why);

/* Everything except pinning, counters and command. */
void kcb_context_fill(kcb_context *ctx);

/* Re-exec once with address randomisation off, so every run gets the same
 * stack/heap/data layout (4 KiB aliasing between them otherwise moves the
 * medians from run to run).  Returns only if no re-exec happened; then
 * *note says why ("" when randomisation already is off). */
void kcb_reexec_without_aslr(char **argv, bool emulated, std::string *note);

/* What backs [start, start+len) (the slab arena): the THP mode and the
 * AnonHugePages of /proc/self/smaps in that range, in words. */
std::string kcb_hugepage_note(uintptr_t start, size_t len);

/* The THP settings in words: "THP enabled <mode>, defrag <mode>" */
std::string kcb_thp_mode(void);

/* AnonHugePages (kB) of /proc/self/smaps in [start, start+len); -1 when
 * smaps cannot be read */
long kcb_anon_huge_kb(uintptr_t start, size_t len);

/* Pin to cpu (or, for cpu < 0, the last CPU we may run on). */
void kcb_pin(int cpu, kcb_context *ctx);

#endif
