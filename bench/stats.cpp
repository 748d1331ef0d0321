// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <algorithm>
#include <cmath>

/* The median's CI from order statistics: with n samples, the number below
 * the true median is Binomial(n, 1/2).  Pick the widest symmetric ranks k
 * (1-based) such that P(X <= k-1) <= 2.5%: then [x_(k), x_(n+1-k)] covers
 * the median with probability >= 95%.  No distribution assumed, unlike a normal
 * interval, which matters for skewed timing data. */
void kcb_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	if (n < 6) { /* too few for any 95% interval: the full range */
		*lo = 0;
		*hi = n ? n - 1 : 0;
		return;
	}
	/* log P(X = i) for Binomial(n, 1/2), summed until the tail passes 2.5% */
	double logp0 = -(double)n * std::log(2.0);
	double cdf = 0.0;
	size_t k = 0;
	for (size_t i = 0; i < n / 2; i++) {
		double logc = std::lgamma((double)n + 1) - std::lgamma((double)i + 1) -
			      std::lgamma((double)(n - i) + 1);
		double p = std::exp(logc + logp0);
		if (cdf + p > 0.025)
			break;
		cdf += p;
		k = i + 1;
	}
	/* P(X <= k-1) <= 2.5%: 1-based ranks k and n+1-k bound the median */
	*lo = k - 1;
	*hi = n - k;
}

kcb_summary kcb_summarize(std::vector<double> &v)
{
	std::sort(v.begin(), v.end());
	size_t n = v.size();
	kcb_summary s;
	s.samples = n;
	s.min = v[0];
	s.median = (n & 1) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
	size_t lo, hi;
	kcb_median_ci_ranks(n, &lo, &hi);
	s.ci95_lo = v[lo];
	s.ci95_hi = v[hi];
	return s;
}

static double median_sorted(const std::vector<double> &v, size_t from, size_t to)
{
	size_t n = to - from;
	return (n & 1) ? v[from + n / 2] : 0.5 * (v[from + n / 2 - 1] + v[from + n / 2]);
}

std::vector<kcb_mode> kcb_round_modes(std::vector<double> v)
{
	std::vector<kcb_mode> modes;
	if (v.empty())
		return modes;
	std::sort(v.begin(), v.end());
	const double gap = KCB_MODE_GAP * std::fabs(median_sorted(v, 0, v.size()));
	size_t start = 0;
	for (size_t i = 1; i <= v.size(); i++) {
		if (i < v.size() && v[i] - v[i - 1] <= gap)
			continue;
		modes.push_back({median_sorted(v, start, i), i - start});
		start = i;
	}
	return modes;
}

bool kcb_mode_is_major(const kcb_mode &m, size_t rounds)
{
	return rounds >= KCB_MODE_MIN_ROUNDS && m.rounds >= 2 && m.rounds * 10 >= rounds;
}

size_t kcb_nr_major_modes(const std::vector<kcb_mode> &modes, size_t rounds)
{
	size_t n = 0;
	for (const kcb_mode &m : modes)
		n += kcb_mode_is_major(m, rounds);
	return n;
}
