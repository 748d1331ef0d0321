/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One measurement: N vs 2N delta per sample (removes the fixed cost of
 * reading the counters), minus the same for the empty body with the same
 * signature (removes the per-op call and loop cost).  See bench/METHOD.md.
 */
#ifndef KCB_BENCH_HARNESS_H
#define KCB_BENCH_HARNESS_H

#include <stdint.h>
#include <string>
#include <vector>

#include "counters.h"
#include "loops.h"
#include "stats.h"

struct kcb_harness_cfg {
	unsigned int samples = 301;  /* N/2N pairs per record, over all rounds */
	unsigned int rounds = 1;     /* passes over all records (kcb_bench) */
	double target_ns = 20000;    /* one N run lasts at least this long */
	double warmup_ns = 10e6;     /* body + empty before the first sample */
	uint64_t max_n = 1u << 22;
};

struct kcb_metric {
	std::string unit, source;
	kcb_summary s;     /* per op, empty body already subtracted */
	double overhead;   /* per-op median of the empty body (subtracted) */
	std::vector<double> values; /* the per-op samples, ascending */
};

struct kcb_measurement {
	uint64_t n = 0; /* ops in the N run */
	std::vector<kcb_metric> metrics;
};

/* Raw per-op samples of one record, gathered over one or more rounds. */
struct kcb_sampler {
	uint64_t n = 0; /* chosen on the first round, kept after */
	std::vector<std::vector<double>> body, empty; /* [channel][sample] */
};

/* One round: (on the first, choose N), warm up, then `samples` pairs. */
void kcb_sample_round(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		      const kcb_harness_cfg &cfg, unsigned int samples, kcb_sampler *s);

/* Per-op statistics from all rounds: body minus the empty body's median.
 * ticks_per_cycle > 0 adds "calibrated-cycles" derived from the tick channel.
 * Returns false (with *err) if the counters failed mid-run. */
bool kcb_sample_finish(const kcb_counters &c, const kcb_sampler &s, double ticks_per_cycle,
		       kcb_measurement *out, std::string *err);

/* One round of cfg.samples, then finish. */
bool kcb_measure(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		 const kcb_harness_cfg &cfg, double ticks_per_cycle, kcb_measurement *out,
		 std::string *err);

/* Ticks per core cycle from the dependent-add chain, N vs 2N, median of
 * `tries`; <= 0 when there is no tick channel. */
double kcb_calibrate_ticks_per_cycle(const kcb_counters &c, unsigned int tries);

#endif
