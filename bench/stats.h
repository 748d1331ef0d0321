/* SPDX-License-Identifier: GPL-2.0 */
/* Order statistics of one sample set: min, median, and a distribution-free
 * 95% confidence interval of the median (binomial order statistics). */
#ifndef KCB_BENCH_STATS_H
#define KCB_BENCH_STATS_H

#include <stddef.h>
#include <vector>

struct kcb_summary {
	size_t samples;
	double min, median, ci95_lo, ci95_hi;
};

/* Sorts v in place; v must not be empty. */
kcb_summary kcb_summarize(std::vector<double> &v);

/* 0-based ranks (lo, hi) of the order statistics bounding the median's
 * 95% CI for n samples; exact binomial, so coverage is >= 95%. */
void kcb_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/*
 * Rounds that settle in different states.  A record's rounds each give one
 * median; on some cores a whole round (or a spell of seconds) runs in one
 * of a few distinct states of the machine (bench/METHOD.md, "Modes").  The
 * round medians, sorted, split wherever two neighbours lie more than
 * KCB_MODE_GAP of the overall median apart; each group is a mode: its
 * median and how many rounds it holds, ascending by value.
 */
#define KCB_MODE_GAP 0.05
struct kcb_mode {
	double value;
	size_t rounds;
};
std::vector<kcb_mode> kcb_round_modes(std::vector<double> round_medians);
/* a mode that holds at least 10% of the rounds and at least 2 of them,
 * of at least KCB_MODE_MIN_ROUNDS (--quick's 5 rounds make no modes); more
 * than one such means the record's median depends on how the rounds split */
#define KCB_MODE_MIN_ROUNDS 10
bool kcb_mode_is_major(const kcb_mode &m, size_t rounds);
size_t kcb_nr_major_modes(const std::vector<kcb_mode> &modes, size_t rounds);

#endif
