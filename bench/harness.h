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
	/* the body's per-op samples in sampling order, empty body NOT
	 * subtracted: records sampled together (kcb_sample_group_round) pair
	 * sample by sample, and their difference needs no empty body, since
	 * the loop and the call are the same (kcb_deltas) */
	std::vector<double> ordered;
	/* the median of each round's samples, by round, and the modes they
	 * fall into (stats.h, kcb_round_modes) */
	std::vector<double> round_medians;
	std::vector<kcb_mode> modes;
};

struct kcb_measurement {
	uint64_t n = 0; /* ops in the N run */
	std::vector<kcb_metric> metrics;
	size_t taken = 0, used = 0;   /* samples taken, and used (quiet ones) */
	std::vector<unsigned char> quiet; /* per sample: used */
};

/* Raw per-op samples of one record, gathered over one or more rounds. */
struct kcb_sampler {
	uint64_t n = 0; /* chosen on the first round, kept after */
	std::vector<std::vector<double>> body, empty; /* [channel][sample] */
	std::vector<double> probe; /* per sample: the slower contention probe around it */
	std::vector<double> tpc;   /* per sample: ticks per cycle of its round (0: none) */
	std::vector<unsigned int> round; /* per sample: its round (0, 1, ...) */
	unsigned int rounds = 0;   /* rounds sampled so far */
	/* subtract each sample's own empty twin, not the empties' median: for
	 * cold_pointer, whose eviction (~300 cycles of clflush + mfence) drifts
	 * with the memory system by more than the op costs */
	bool paired_empty = false;
};

/* Samples whose contention probe (kcb_contention_probe(), before the body
 * and after the empty body) ran more than KCB_QUIET_SLACK times the run's
 * fastest probe were taken while another hardware thread shared the core:
 * they are set aside when enough quiet ones remain (kcb_sample_finish). */
#define KCB_QUIET_SLACK 1.10
/* KCB_QUIET_SLACK x the fastest probe seen so far (kcb_quiet_probe); 0
 * when no probe ran */
double kcb_quiet_limit(void);

/*
 * Waiting for a quiet core.  On a shared host the other hardware thread
 * comes and goes; a short sleep lets the hypervisor place this vCPU anew.
 * kcb_quiet_start() probes for up to `prime_ms` (sleeping 0.5 ms between
 * probes) to learn the quiet level, and allows up to `budget_ms` of waiting
 * over the whole run.  Before each sample the harness then probes, and while
 * the probe is slow and budget is left it sleeps 0.2 ms and probes again
 * (at most 25 times per sample).  A machine that is never contended never
 * waits; one that always is spends the budget once and goes on.
 */
void kcb_quiet_start(double prime_ms, double budget_ms);
/* one probe, remembered for the quiet level; returns its ticks */
double kcb_quiet_probe(void);
/* probe, and while the probe is slow and budget is left, sleep and probe
 * again; returns the last probe's ticks */
double kcb_quiet_wait(void);
/* milliseconds spent waiting so far */
double kcb_quiet_waited_ms(void);

/* One round of a group of records (one model and scenario): warm each up
 * (on the first round, choose its N), then `samples` times one N/2N pair
 * of every body and its empty twin in turn, so sample k of each record is
 * taken at nearly the same moment. */
void kcb_sample_group_round(const kcb_counters &c, const std::vector<struct kcb_work *> &bodies,
			    const std::vector<struct kcb_work *> &empties, const kcb_harness_cfg &cfg,
			    unsigned int samples, double ticks_per_cycle, const std::vector<kcb_sampler *> &ss);

/* The same for one record. */
void kcb_sample_round(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		      const kcb_harness_cfg &cfg, unsigned int samples, double ticks_per_cycle, kcb_sampler *s);

/* Per-op statistics from all rounds: body minus the median of the empty
 * bodies of the same round (the rounds change the stack placement and the
 * latency loop's copy, and each empty twin runs in the same ones as its body).
 * ticks_per_cycle > 0 adds "calibrated-cycles" derived from the tick channel.
 * quiet_limit > 0: only samples whose probe is within it, if at least
 * max(7, 10%) of them are; else all (out->used == out->taken says which).
 * Returns false (with *err) if the counters failed mid-run. */
bool kcb_sample_finish(const kcb_counters &c, const kcb_sampler &s, double ticks_per_cycle,
		       double quiet_limit, kcb_measurement *out, std::string *err);

/* One round of cfg.samples, then finish. */
bool kcb_measure(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		 const kcb_harness_cfg &cfg, double ticks_per_cycle, kcb_measurement *out,
		 std::string *err);

/*
 * Ticks per core cycle from two independent references (bench/METHOD.md):
 * a dependent register-register add chain (1 cycle per link) and a
 * dependent multiply chain (KCB_MUL_LATENCY cycles per link), each N vs 2N,
 * median of `tries`.  When they disagree by more than KCB_CALIB_TOLERANCE
 * the core shortcuts one of them, and no cycle figure can be trusted.  The
 * same call times the known answer, an L1 pointer chase (kcb_l1_chase).
 * KCB_TEST_ADD_REF_SCALE=<f> in the environment multiplies the add
 * reference by f: a test hook that stands in for a core that folds the
 * chain (f < 1), so the refusal path runs on any machine.
 */
#define KCB_CALIB_TOLERANCE 0.05
struct kcb_calibration {
	double add_tpc = 0;  /* ticks per cycle from the add chain (0: no ticks) */
	double mul_tpc = 0;  /* ticks per cycle from the multiply chain */
	double l1_ticks = 0; /* ticks per load of the L1 chase */
	double test_scale = 0; /* KCB_TEST_ADD_REF_SCALE when set, else 0 */
	/* |mul / add - 1| */
	double disagreement() const { return add_tpc > 0 ? mul_tpc / add_tpc - 1 : 0; }
	bool agree() const
	{
		double d = disagreement();
		return add_tpc > 0 && d <= KCB_CALIB_TOLERANCE && d >= -KCB_CALIB_TOLERANCE;
	}
	/* the factor samples are divided by: 0 when the references disagree */
	double tpc() const { return agree() ? add_tpc : 0; }
};
/* warm_up: first run the add chain for ~20 ms so the clock ramps up (the
 * start of a run).  Without a tick channel everything stays 0. */
kcb_calibration kcb_calibrate(const kcb_counters &c, unsigned int tries, bool warm_up = true);

#endif
