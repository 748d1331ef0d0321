// SPDX-License-Identifier: GPL-2.0
/*
 * kcb_insn_count: QEMU TCG plugin (plugin API version 1, QEMU 7.2) that
 * counts executed guest instructions exactly, in measurement windows.
 *
 * Debian's QEMU ships no qemu-plugin.h, so the handful of stable API v1
 * entry points used here are declared below from their documented
 * signatures (nothing copied from QEMU).
 *
 * Loaded as:  qemu-<arch> -plugin <dir>/libkcb_insn_count.so,cfg=<file> ...
 * The cfg file (written by tools/kcb_qemu.py) has one directive a line:
 *   out   <path>            where the window counts go (text)
 *   range <start> <end>     hex [start, end): a hot-path symbol's body
 *   begin <addr>            hex: first insn of the driver's begin marker
 *   end   <addr>            hex: first insn of the driver's end marker
 * Every executed instruction bumps `total` (inline add, no callback, so
 * the count is exact and cheap); those inside a range also bump `hot`.
 * At a begin marker both are snapshot; at the next end marker one line
 * "window <i> <total delta> <hot delta>" is recorded.  Markers are matched by
 * address, which is the run-time address because the driver is non-PIE.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the part of the QEMU plugin API v1 we use ---- */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
						void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

/* ---- state (the driver is single-threaded: one vCPU) ---- */
struct range { uint64_t start, end; };
static struct range *ranges;
static size_t nranges;
static uint64_t begin_addr = UINT64_MAX, end_addr = UINT64_MAX;
static char out_path[4100];

static uint64_t total, hot;           /* bumped inline */
static uint64_t snap_total, snap_hot; /* at the last begin marker */
static int in_window;
struct window { uint64_t total, hot; };
static struct window *windows;
static size_t nwindows, capwindows;
static unsigned long unmatched_ends, nested_begins;

static int in_ranges(uint64_t a)
{
	size_t lo = 0, hi = nranges;

	while (lo < hi) { /* sorted, disjoint */
		size_t mid = (lo + hi) / 2;

		if (a < ranges[mid].start)
			hi = mid;
		else if (a >= ranges[mid].end)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static void on_begin(unsigned int vcpu, void *udata)
{
	(void)vcpu; (void)udata;
	if (in_window)
		nested_begins++;
	snap_total = total;
	snap_hot = hot;
	in_window = 1;
}

static void on_end(unsigned int vcpu, void *udata)
{
	(void)vcpu; (void)udata;
	if (!in_window) {
		unmatched_ends++;
		return;
	}
	in_window = 0;
	if (nwindows == capwindows) {
		size_t cap = capwindows ? capwindows * 2 : 256;
		struct window *w = realloc(windows, cap * sizeof(*w));

		if (!w) {
			unmatched_ends++;
			return;
		}
		windows = w;
		capwindows = cap;
	}
	windows[nwindows].total = total - snap_total;
	windows[nwindows].hot = hot - snap_hot;
	nwindows++;
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);

		/* markers first, so a marker's own insn is outside both snapshots
		 * in the same way for begin and end (differences cancel anyway) */
		if (va == begin_addr)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
		if (va == end_addr)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total, 1);
		if (in_ranges(va))
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &hot, 1);
	}
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
	FILE *f = fopen(out_path, "w");

	(void)id; (void)udata;
	if (!f) {
		fprintf(stderr, "kcb_insn_count: cannot write %s\n", out_path);
		return;
	}
	fprintf(f, "kcb_insn_count 1 ranges %zu windows %zu unmatched_ends %lu nested_begins %lu\n",
		nranges, nwindows, unmatched_ends, nested_begins);
	for (size_t i = 0; i < nwindows; i++)
		fprintf(f, "window %zu %llu %llu\n", i, (unsigned long long)windows[i].total,
			(unsigned long long)windows[i].hot);
	fclose(f);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int load_cfg(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4200];
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "kcb_insn_count: cannot read cfg %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		char p[4097];

		if (sscanf(line, "range %llx %llx", &a, &b) == 2) {
			if (nranges == cap) {
				cap = cap ? cap * 2 : 64;
				ranges = realloc(ranges, cap * sizeof(*ranges));
				if (!ranges)
					goto bad;
			}
			ranges[nranges].start = a;
			ranges[nranges].end = b;
			nranges++;
		} else if (sscanf(line, "begin %llx", &a) == 1) {
			begin_addr = a;
		} else if (sscanf(line, "end %llx", &a) == 1) {
			end_addr = a;
		} else if (sscanf(line, "out %4096s", p) == 1) {
			snprintf(out_path, sizeof(out_path), "%s", p);
		} else if (line[0] != '#' && line[0] != '\n') {
			fprintf(stderr, "kcb_insn_count: bad cfg line: %s", line);
			goto bad;
		}
	}
	fclose(f);
	if (!out_path[0] || begin_addr == UINT64_MAX || end_addr == UINT64_MAX) {
		fprintf(stderr, "kcb_insn_count: cfg needs out, begin and end\n");
		return -1;
	}
	qsort(ranges, nranges, sizeof(*ranges), cmp_range);
	for (size_t i = 1; i < nranges; i++) {
		if (ranges[i].start < ranges[i - 1].end) {
			fprintf(stderr, "kcb_insn_count: overlapping ranges\n");
			return -1;
		}
	}
	return 0;
bad:
	fclose(f);
	return -1;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	const char *cfg = NULL;

	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "cfg=", 4))
			cfg = argv[i] + 4;
		else if (!strchr(argv[i], '='))
			cfg = argv[i]; /* the deprecated arg=<value> form */
	}
	if (!cfg) {
		fprintf(stderr, "kcb_insn_count: usage: -plugin libkcb_insn_count.so,cfg=<file>\n");
		return -1;
	}
	if (load_cfg(cfg))
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
