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
#include "scenarios.h"

struct kcb_run_info {
	double ticks_per_cycle = 0; /* <= 0: not calibrated (null in JSON) */
	double ticks_hz = 0;        /* 0: unknown */
	std::string counter_source, counter_note, pmu, evict_method, layouts;
	double seconds = 0;
};

struct kcb_record {
	const kcb_plan_item *item;
	kcb_measurement m;
};

/* The counter source and the one plain sentence about it. */
void kcb_describe_counters(const kcb_counters &c, const kcb_context &ctx, double tpc, kcb_run_info *info);

/* pmu-cycles, else calibrated-cycles, else ticks, else (emulated-)ns */
const kcb_metric &kcb_primary(const kcb_measurement &m);

std::string kcb_results_json(const kcb_context &ctx, const kcb_run_info &info,
			     const std::vector<kcb_record> &records);

void kcb_print_table(FILE *f, const std::vector<kcb_record> &records);

#endif
