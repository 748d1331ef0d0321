// SPDX-License-Identifier: GPL-2.0
#include "known_answer.h"

#include <cmath>
#include <cstdio>

void kcb_known_answer_eval(std::vector<double> l1, std::vector<double> l1_ticks, unsigned int shared,
			   const std::string &unit, std::vector<kcb_known_answer_check> checks, kcb_known_answer *ka)
{
	*ka = kcb_known_answer();
	char buf[320];
	if (l1.empty() || l1_ticks.empty()) {
		/* said, not silently absent: a busy host can share every round */
		if (shared) {
			snprintf(buf, sizeof(buf),
				 "no known answer: the core was shared in all %u group rounds (contention probe "
				 "slow), so no L1 chase was kept and the latency deltas are unchecked",
				 shared);
			ka->warnings.push_back(buf);
		}
		return;
	}
	ka->unit = unit;
	ka->l1 = kcb_summarize(l1);
	ka->l1_ticks = kcb_summarize(l1_ticks).median;
	/* in ticks no cycle is trusted: 1/8 of the load, 0.5 of a 4-cycle one */
	ka->tolerance = unit == "calibrated-cycles" ? KCB_KNOWN_ANSWER_TOLERANCE : ka->l1.median / 8;
	ka->stable = ka->l1.ci95_hi - ka->l1.ci95_lo <= ka->tolerance;
	if (!ka->stable) {
		snprintf(buf, sizeof(buf),
			 "the L1 known-answer probe was unstable (95%% CI [%.2f, %.2f] %s over %zu rounds, wider than "
			 "%.2f): no check against it; raw ticks kept",
			 ka->l1.ci95_lo, ka->l1.ci95_hi, unit.c_str(), ka->l1.samples, ka->tolerance);
		ka->warnings.push_back(buf);
	}
	for (kcb_known_answer_check &c : checks) {
		c.diff = c.delta - ka->l1.median;
		c.ok = std::fabs(c.diff) <= ka->tolerance;
		if (ka->stable && !c.ok) {
			snprintf(buf, sizeof(buf),
				 "%s latency %s - static = %.2f %s, but the core's L1 load-to-use is %.2f: off by "
				 "%+.2f (more than %.2f); this run's latency deltas do not measure one load",
				 c.model.c_str(), c.variant.c_str(), c.delta, unit.c_str(), ka->l1.median, c.diff,
				 ka->tolerance);
			ka->warnings.push_back(buf);
		}
	}
	ka->checks = checks;
}

std::string kcb_known_answer_line(const kcb_known_answer &ka)
{
	if (ka.unit.empty())
		return "";
	char buf[256];
	snprintf(buf, sizeof(buf),
		 "known answer: L1 load-to-use %.2f [%.2f, %.2f] %s (%.2f ticks; pointer chase p = *p, %zu rounds)",
		 ka.l1.median, ka.l1.ci95_lo, ka.l1.ci95_hi, ka.unit.c_str(), ka.l1_ticks, ka.l1.samples);
	std::string s = buf;
	for (const kcb_known_answer_check &c : ka.checks) {
		snprintf(buf, sizeof(buf), "; %s %s - static %.2f (%+.2f, %s)", c.model.c_str(), c.variant.c_str(),
			 c.delta, c.diff, !ka.stable ? "not checked" : c.ok ? "ok" : "MISMATCH");
		s += buf;
	}
	return s;
}
