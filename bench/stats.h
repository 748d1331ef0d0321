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

#endif
