// SPDX-License-Identifier: GPL-2.0
/* bench/stats: order statistics and the median's 95% CI. */
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "stats.h"

#include "kcb_check.h"

/* exact binomial coverage of ranks [lo, hi] (0-based) for the median */
static double coverage(size_t n, size_t lo, size_t hi)
{
	double c = 0;
	for (size_t x = lo + 1; x <= hi; x++) /* #below median in [lo+1, hi] */
		c += std::exp(std::lgamma(n + 1.0) - std::lgamma(x + 1.0) - std::lgamma(n - x + 1.0) -
			      n * std::log(2.0));
	return c;
}

int main()
{
	size_t lo, hi;
	/* textbook values: n = 100 -> ranks 40 and 61 (1-based) */
	kcb_median_ci_ranks(100, &lo, &hi);
	CHECK(lo == 39 && hi == 60, "n=100: got %zu..%zu, want 39..60", lo, hi);
	/* too few samples for 95%: the whole range */
	kcb_median_ci_ranks(5, &lo, &hi);
	CHECK(lo == 0 && hi == 4, "n=5: got %zu..%zu", lo, hi);
	/* coverage >= 95% and the interval is the tightest symmetric one */
	for (size_t n = 6; n <= 2001; n += (n < 60 ? 1 : 97)) {
		kcb_median_ci_ranks(n, &lo, &hi);
		CHECK(lo <= hi && hi < n && lo + hi == n - 1, "n=%zu: ranks %zu..%zu not symmetric", n, lo, hi);
		double c = coverage(n, lo, hi);
		CHECK(c >= 0.95, "n=%zu: coverage %.4f < 0.95", n, c);
		if (lo + 1 < hi)
			CHECK(coverage(n, lo + 1, hi - 1) < 0.95, "n=%zu: a tighter interval also covers", n);
	}

	/* summary of a known set */
	std::vector<double> v = {5, 1, 4, 2, 3};
	kcb_summary s = kcb_summarize(v);
	CHECK(s.samples == 5 && s.min == 1 && s.median == 3, "odd set: min %g median %g", s.min, s.median);
	std::vector<double> e = {4, 1, 3, 2};
	s = kcb_summarize(e);
	CHECK(s.median == 2.5, "even set: median %g", s.median);

	/* empirical coverage on skewed data (exponential), true median ln 2 */
	srand(12345);
	int hit = 0, trials = 2000;
	for (int t = 0; t < trials; t++) {
		std::vector<double> x(41);
		for (double &d : x)
			d = -std::log((rand() + 1.0) / (RAND_MAX + 2.0));
		kcb_summary k = kcb_summarize(x);
		hit += k.ci95_lo <= std::log(2.0) && std::log(2.0) <= k.ci95_hi;
		CHECK(k.min <= k.ci95_lo && k.ci95_lo <= k.median && k.median <= k.ci95_hi, "ordering");
	}
	CHECK(hit >= (int)(0.93 * trials), "empirical coverage %d/%d", hit, trials);

	/* round modes: two states 3.7 apart (the sheaves op on Zen 5), with
	 * sampling noise inside each, split into two; one state stays one */
	std::vector<double> rm;
	for (int i = 0; i < 31; i++)
		rm.push_back(18.3 + 0.02 * (i % 5));
	for (int i = 0; i < 19; i++)
		rm.push_back(22.0 + 0.03 * (i % 3));
	std::vector<kcb_mode> md = kcb_round_modes(rm);
	CHECK(md.size() == 2, "two states: %zu modes", md.size());
	if (md.size() == 2) {
		CHECK(md[0].rounds == 31 && md[1].rounds == 19, "rounds %zu, %zu", md[0].rounds, md[1].rounds);
		CHECK(std::fabs(md[0].value - 18.34) < 1e-9 && std::fabs(md[1].value - 22.03) < 1e-9,
		      "values %g %g", md[0].value, md[1].value);
	}
	CHECK(kcb_nr_major_modes(md, 50) == 2, "both are major");
	std::vector<double> one(rm.begin(), rm.begin() + 31);
	CHECK(kcb_round_modes(one).size() == 1, "one state: one mode");
	/* a single slow round is a mode, not a major one */
	one.push_back(40.0);
	md = kcb_round_modes(one);
	CHECK(md.size() == 2 && kcb_nr_major_modes(md, one.size()) == 1, "a lone round: %zu modes", md.size());
	/* gaps under KCB_MODE_GAP of the median chain into one mode */
	std::vector<double> ramp;
	for (int i = 0; i < 50; i++)
		ramp.push_back(20.0 + 0.1 * i);
	CHECK(kcb_round_modes(ramp).size() == 1, "a ramp is one mode");
	CHECK(kcb_round_modes({}).empty(), "no rounds, no modes");
	/* --quick's 5 rounds: groups, but no major modes */
	std::vector<double> quick = {18.3, 18.3, 18.4, 22.0, 22.0};
	CHECK(kcb_round_modes(quick).size() == 2 && kcb_nr_major_modes(kcb_round_modes(quick), 5) == 0,
	      "5 rounds make no major modes");

	if (failures)
		return 1;
	printf("ok: stats\n");
	return 0;
}
