/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run: every record of the plan sampled over cfg.rounds rounds, each
 * round at another stack layout and on fresh physical frames, then the
 * final statistics from the quiet samples.  See bench/METHOD.md.
 */
#ifndef KCB_BENCH_ROUNDS_H
#define KCB_BENCH_ROUNDS_H

#include <string>
#include <vector>

#include "counters.h"
#include "harness.h"
#include "scenarios.h"
#include "stats.h"

/* Setup randomisation: the stack offsets mod 4 KiB, one per round (rounds.cpp) */
extern const unsigned int kcb_stack_offsets[];
extern const unsigned int kcb_nr_layouts;

struct kcb_record {
	const kcb_plan_item *item;
	kcb_measurement m;
};

/* What the rounds learned besides the records. */
struct kcb_rounds {
	double tpc = 0;        /* ticks per cycle the samples got; 0 after a refusal over the rounds */
	double tpc_lo = 0, tpc_hi = 0; /* the group rounds' factors */
	unsigned int cal_kept_start = 0; /* rounds whose references disagreed, or whose core was shared, kept the start's */
	kcb_summary disagree = {}; /* |mul/add - 1| over the group rounds (samples 0: none) */
	double disagree_max = 0;
	bool refused = false;  /* the references disagreed in most rounds */
	/* per group round: the L1 chase in the samples' unit, and in ticks */
	std::vector<double> l1_unit, l1_ticks;
	/* group rounds whose chase was dropped: the core was shared (or the
	 * test hook KCB_TEST_ROUNDS_SHARED set in the environment said so) */
	unsigned int l1_shared = 0;
	bool frames_moved = false;
	unsigned int moved_min = 0, moved_max = 0;
	std::string frames_error; /* why frames stopped moving; "" if they did not */
	double quiet_limit = 0;   /* the contention filter's limit (0: none) */
	size_t taken = 0, used = 0; /* samples over all records */
	double seconds = 0;
};

/* Sample every record of the plan (move_frames: onto other physical frames
 * before every round, physpage.h); tpc: the start's ticks per cycle (0:
 * none), cal: the start's references (re-calibrated before each group
 * round when they ran).  Returns the records in plan order, or an empty
 * vector with *err when the counters failed mid-run. */
std::vector<kcb_record> kcb_run_rounds(std::vector<kcb_plan_item> &plan, const kcb_counters &counters,
				       const kcb_harness_cfg &cfg, const kcb_calibration &cal, double tpc,
				       bool emulated, bool move_frames, kcb_rounds *out, std::string *err);

#endif
