/* SPDX-License-Identifier: GPL-2.0 */
/* kcb_bench exit codes: documented in --help and bench/METHOD.md. */
#ifndef KCB_BENCH_EXIT_CODES_H
#define KCB_BENCH_EXIT_CODES_H

enum kcb_exit {
	KCB_EXIT_OK = 0,
	KCB_EXIT_FAILURE = 1,        /* set-up or measurement failed */
	KCB_EXIT_USAGE = 2,          /* bad option, unknown scenario/model/variant */
	KCB_EXIT_UNKNOWN_EVENT = 3,  /* --events name not decodable */
	KCB_EXIT_OUTPUT = 4,         /* --out path not writable */
	KCB_EXIT_PERF_REFUSED = 5,   /* --events asked, perf_event refused or no PMU */
	KCB_EXIT_NOT_PATCHED = 6,    /* runtime_const sites not patched+verified */
	KCB_EXIT_NO_MEMORY = 7,      /* the slab arena cannot be reserved (ulimit -v) */
};

#endif
