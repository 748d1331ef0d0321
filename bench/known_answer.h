/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The known answer every run checks itself against (bench/METHOD.md): the
 * core's L1 load-to-use latency from a pointer chase (kcb_l1_chase), timed
 * before every group round with the calibration and in the same unit.  On
 * the latency scenario pointer - static is one such load, so it must equal
 * the chase within KCB_KNOWN_ANSWER_TOLERANCE cycles; where it does not,
 * the run carries a warning into its results.
 */
#ifndef KCB_BENCH_KNOWN_ANSWER_H
#define KCB_BENCH_KNOWN_ANSWER_H

#include <string>
#include <vector>

#include "stats.h"

#define KCB_KNOWN_ANSWER_TOLERANCE 0.5 /* cycles */

struct kcb_known_answer_check {
	std::string model, variant;
	double delta = 0; /* pointer - static, median of the pairs, in the answer's unit */
	double diff = 0;  /* delta - L1 */
	bool ok = false;
};

struct kcb_known_answer {
	std::string unit;   /* calibrated-cycles, else the tick unit; "" when not measured */
	kcb_summary l1 = {}; /* over the group rounds */
	double l1_ticks = 0; /* median ticks per load */
	double tolerance = 0; /* in unit: 0.5 cycles, or 1/8 of the L1 figure in ticks */
	bool stable = false; /* the rounds' 95% CI no wider than the tolerance */
	std::vector<kcb_known_answer_check> checks;
	std::vector<std::string> warnings; /* one line each */
};

/* l1: the chase per round in unit; l1_ticks: the same in ticks; shared:
 * rounds whose chase was dropped (the core was shared); checks: the latency
 * pointer - static deltas in unit (model, variant, delta set).  Fills the
 * summary, each check's verdict, and the warnings. */
void kcb_known_answer_eval(std::vector<double> l1, std::vector<double> l1_ticks, unsigned int shared,
			   const std::string &unit, std::vector<kcb_known_answer_check> checks, kcb_known_answer *ka);

/* One line: "L1 load-to-use 4.00 [3.98, 4.02] calibrated-cycles (pointer
 * chase, ...); sheaves pointer - static 4.01 ok ..." */
std::string kcb_known_answer_line(const kcb_known_answer &ka);

#endif
