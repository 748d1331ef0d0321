/* SPDX-License-Identifier: GPL-2.0 */
/* The measured results: JSON per results/SCHEMA.md, and a text table. */
#ifndef KCB_BENCH_RESULTS_H
#define KCB_BENCH_RESULTS_H

#include <cstdio>
#include <string>
#include <vector>

#include "context.h"
#include "counters.h"
#include "harness.h"
#include "known_answer.h"
#include "rounds.h"
#include "scenarios.h"

struct kcb_run_info {
	double ticks_per_cycle = 0; /* <= 0: not calibrated (null in JSON) */
	double ticks_hz = 0;        /* 0: unknown */
	std::string counter_source, counter_note, pmu, evict_method, latency_method, layouts;
	std::string contention; /* how many samples the contention probe kept, in words */
	std::string calibration; /* ticks_per_cycle over the run, in words ("" if none) */
	kcb_calibration cal;     /* the references at the start (harness.h) */
	unsigned int cal_rounds = 0; /* group rounds calibrated again */
	double cal_round_disagree_med = 0, cal_round_disagree_max = 0; /* |mul/add - 1| over them */
	std::string cal_refused; /* why calibrated-cycles were refused, one line; "" if not */
	kcb_known_answer known;  /* the L1 known answer and its checks */
	std::vector<std::string> warnings; /* one line each, also in the JSON */
	double seconds = 0;
};

/* variant - baseline in one (model, scenario), paired by sample: sample k
 * of both was taken back to back (kcb_sample_group_round), so a slow spell
 * of the machine hits both; the difference of the two bodies (the loop and
 * the call cancel, no empty body needed), then its median and 95% CI */
struct kcb_delta {
	std::string model, scenario, variant, baseline;
	size_t pairs = 0;
	std::vector<std::pair<std::string, kcb_summary>> units; /* primary first */
};

/* Every variant against "static" (static_align: static_a64 against
 * static_a8) where both were measured with the same rounds. */
std::vector<kcb_delta> kcb_deltas(const std::vector<kcb_record> &records);

/* The counter source and the one plain sentence about it. */
void kcb_describe_counters(const kcb_counters &c, const kcb_context &ctx, double tpc, kcb_run_info *info);

/* why calibrated-cycles are refused, in one line; when: "at the start", ... */
std::string kcb_calibration_refusal(const kcb_calibration &cal, const char *when);

/* The run in words, once the rounds are done: the latency loop, the
 * layouts and frames, a refusal over the rounds, the contention filter, the
 * calibration over the run, and the L1 known answer against the deltas.
 * calib_runs: the start's calibration runs. */
void kcb_describe_run(const kcb_context &ctx, const kcb_counters &c, const kcb_rounds &r, unsigned int calib_runs,
		      const std::vector<kcb_delta> &deltas, kcb_run_info *info);

/* pmu-cycles, else calibrated-cycles, else ticks, else (emulated-)ns */
const kcb_metric &kcb_primary(const kcb_measurement &m);

std::string kcb_results_json(const kcb_context &ctx, const kcb_run_info &info,
			     const std::vector<kcb_record> &records, const std::vector<kcb_delta> &deltas);

void kcb_print_table(FILE *f, const std::vector<kcb_record> &records);
void kcb_print_deltas(FILE *f, const std::vector<kcb_delta> &deltas);
/* the records whose rounds fall into more than one mode (stats.h), with
 * the modes; nothing when there are none, or under emulation */
void kcb_print_modes(FILE *f, const std::vector<kcb_record> &records, bool emulated);
/* "18.30 (31 of 50 rounds) | 22.00 (19 of 50 rounds)": a metric's major modes */
std::string kcb_modes_text(const kcb_metric &m);

#endif
