/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scenarios, mapped onto the hot-path registry (kernels/hotpaths.h):
 *   callsite      fn "callsite",      independent ops
 *   latency       fn "latency",       x = op(x): each op's address depends on the last
 *   inline_fields fn "inline_fields", the caller reads the cache's own fields
 *   cold_pointer  fn "callsite",      the pointer's line (or a dummy line, for
 *                                     variants that load none) evicted before each op
 *   many_caches   fn "many_caches",   16 caches, round-robin
 *   static_align  fn "static_align",  static instance at 8 vs 64 bytes
 */
#ifndef KCB_BENCH_SCENARIOS_H
#define KCB_BENCH_SCENARIOS_H

#include <string>
#include <vector>

#include "hotpaths.h"
#include "loops.h"

extern const char *const kcb_scenario_names[];
extern const unsigned int kcb_nr_scenarios;

struct kcb_plan_item {
	std::string model, scenario, variant, note, symbol;
	const char *bound; /* "" or the scenario's upper-bound label */
	struct kcb_work body, empty;
};

/* Every (model, scenario, variant) the registry offers, filtered; an unknown
 * name in a filter, or an empty selection, is a usage error (kcb_exit code,
 * one line in *err). */
int kcb_make_plan(const std::vector<std::string> &scenarios, const std::vector<std::string> &models,
		  const std::vector<std::string> &variants, const std::string &config,
		  std::vector<kcb_plan_item> *plan, std::string *err);

/* The label of a scenario that measures more than a kernel caller does
 * ("" for the others); tools/kcbench/vocab.py SCENARIO_BOUNDS, the same. */
const char *kcb_scenario_bound(const std::string &scenario);

#endif
