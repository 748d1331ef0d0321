// SPDX-License-Identifier: GPL-2.0
#include "scenarios.h"

#include <string.h>

#include <algorithm>
#include <set>

#include "exit_codes.h"

const char *const kcb_scenario_names[] = {"callsite",     "latency",     "inline_fields",
					  "cold_pointer", "many_caches", "static_align"};
const unsigned int kcb_nr_scenarios = sizeof(kcb_scenario_names) / sizeof(kcb_scenario_names[0]);

namespace {

const char *registry_fn(const std::string &scenario)
{
	return scenario == "cold_pointer" ? "callsite" : scenario.c_str();
}

/* report order: the reference variant first, static last */
int variant_rank(const std::string &v)
{
	if (v == "pointer")
		return 0;
	if (v.compare(0, 13, "runtime_const") == 0)
		return 1 + (v != "runtime_const");
	if (v == "projected")
		return 4;
	if (v == "static")
		return 5;
	return 6; /* static_a8, static_a64 */
}

std::string join(const std::set<std::string> &s)
{
	std::string o;
	for (const std::string &x : s)
		o += (o.empty() ? "" : " ") + x;
	return o;
}

bool wanted(const std::vector<std::string> &filter, const std::string &name)
{
	return filter.empty() || std::find(filter.begin(), filter.end(), name) != filter.end();
}

void fill_work(const std::string &scenario, const struct kcb_hotpath *hp, kcb_plan_item *it)
{
	memset(&it->body, 0, sizeof(it->body));
	memset(&it->empty, 0, sizeof(it->empty));
	it->body.fn = hp->fn_ptr;
	if (scenario == "latency") {
		it->body.kind = it->empty.kind = KCB_LOOP_CHAIN;
		it->empty.fn = (void *)&kcb_empty__chain;
	} else if (scenario == "many_caches") {
		it->body.kind = it->empty.kind = KCB_LOOP_INDEXED;
		it->empty.fn = (void *)&kcb_empty__indexed;
	} else if (scenario == "cold_pointer") {
		/* the same eviction work for every variant: only which line differs */
		it->body.kind = it->empty.kind = KCB_LOOP_COLD;
		it->body.line = hp->pointer_line ? hp->pointer_line : (const void *)kcb_cold_dummy_line;
		it->empty.line = kcb_cold_dummy_line;
		it->empty.fn = (void *)&kcb_empty__void;
	} else {
		it->body.kind = it->empty.kind = KCB_LOOP_VOID;
		it->empty.fn = (void *)&kcb_empty__void;
	}
}

} // namespace

static const char kcb_upper_bound[] =
	"upper bound: the dependency chain and field reads that real callers do not have";

const char *kcb_scenario_bound(const std::string &scenario)
{
	return scenario == "latency" || scenario == "inline_fields" ? kcb_upper_bound : "";
}

int kcb_make_plan(const std::vector<std::string> &scenarios, const std::vector<std::string> &models,
		  const std::vector<std::string> &variants, const std::string &config,
		  std::vector<kcb_plan_item> *plan, std::string *err)
{
	unsigned int n;
	const struct kcb_hotpath *const *hp = kcb_hotpaths(&n);
	std::set<std::string> all_models, all_variants, all_scen, all_configs;
	std::vector<std::string> model_order;
	for (unsigned int i = 0; i < kcb_nr_scenarios; i++)
		all_scen.insert(kcb_scenario_names[i]);
	for (unsigned int i = 0; i < n; i++) {
		if (!all_models.count(hp[i]->model))
			model_order.push_back(hp[i]->model);
		all_models.insert(hp[i]->model);
		all_variants.insert(hp[i]->variant);
		all_configs.insert(hp[i]->config);
	}
	if (!all_configs.count(config)) {
		*err = "unknown config '" + config + "' (this build has: " + join(all_configs) + ")";
		return KCB_EXIT_USAGE;
	}
	/* the models in the order the docs name them, any others after */
	std::stable_sort(model_order.begin(), model_order.end(), [](const std::string &a, const std::string &b) {
		return (a == "sheaves" ? 0 : a == "cpu_slab" ? 1 : 2) < (b == "sheaves" ? 0 : b == "cpu_slab" ? 1 : 2);
	});
	for (const std::string &s : scenarios)
		if (!all_scen.count(s)) {
			*err = "unknown scenario '" + s + "' (known: " + join(all_scen) + ")";
			return KCB_EXIT_USAGE;
		}
	for (const std::string &m : models)
		if (!all_models.count(m)) {
			*err = "unknown model '" + m + "' (this build has: " + join(all_models) + ")";
			return KCB_EXIT_USAGE;
		}
	for (const std::string &v : variants)
		if (!all_variants.count(v)) {
			*err = "unknown variant '" + v + "' (this build has: " + join(all_variants) + ")";
			return KCB_EXIT_USAGE;
		}

	plan->clear();
	for (const std::string &m : model_order) {
		if (!wanted(models, m))
			continue;
		for (unsigned int s = 0; s < kcb_nr_scenarios; s++) {
			std::string scen = kcb_scenario_names[s];
			if (!wanted(scenarios, scen))
				continue;
			std::vector<const struct kcb_hotpath *> sel;
			for (unsigned int i = 0; i < n; i++)
				if (m == hp[i]->model && config == hp[i]->config &&
				    !strcmp(hp[i]->fn, registry_fn(scen)) &&
				    wanted(variants, hp[i]->variant))
					sel.push_back(hp[i]);
			std::stable_sort(sel.begin(), sel.end(), [](const struct kcb_hotpath *a, const struct kcb_hotpath *b) {
				return variant_rank(a->variant) < variant_rank(b->variant);
			});
			for (const struct kcb_hotpath *h : sel) {
				kcb_plan_item it;
				it.model = m;
				it.scenario = scen;
				it.variant = h->variant;
				it.note = h->note;
				it.symbol = h->symbol;
				it.bound = kcb_scenario_bound(scen);
				fill_work(scen, h, &it);
				plan->push_back(it);
			}
		}
	}
	if (plan->empty()) {
		*err = "nothing to measure: no hot path matches the --scenario/--model/--variant selection";
		return KCB_EXIT_USAGE;
	}
	return KCB_EXIT_OK;
}
