// SPDX-License-Identifier: GPL-2.0
/*
 * kcb_gbench: the same hot paths and scenarios as kcb_bench, registered with
 * Google Benchmark, so --benchmark_format=json and its tooling (compare.py)
 * work.  Names: <model>/<scenario>/variant:<variant>, and for the static
 * instance at N-byte alignment (variant static_aN) <model>/static_align/align:N.
 * So compare.py's plain filters select exactly the records they pair:
 * `variant:pointer variant:static` (not cold_pointer's or static_align's
 * records, whose names hold the words), `align:8 align:64`.  Google
 * Benchmark's own method applies (wall/CPU ns per iteration, loop overhead
 * included, no empty-body subtraction); bench/precision.py compares its
 * spread with kcb_bench's.
 */
#include <benchmark/benchmark.h>

#include <cstdio>

#include "exit_codes.h"
#include "hotpaths.h"
#include "loops.h"
#include "scenarios.h"
#include "slab_api.h"

typedef void (*void_fn)(void);
typedef uintptr_t (*chain_fn)(uintptr_t);
typedef void (*indexed_fn)(unsigned int);

static void bm_item_run(benchmark::State &st, kcb_plan_item *it)
{
	kcb_work *w = &it->body;
	switch (w->kind) {
	case KCB_LOOP_VOID: {
		void_fn f = (void_fn)w->fn;
		for (auto _ : st)
			f();
		break;
	}
	case KCB_LOOP_CHAIN: {
		chain_fn f = (chain_fn)w->fn;
		uintptr_t x = w->chain;
		for (auto _ : st)
			x = f(x);
		benchmark::DoNotOptimize(x);
		w->chain = x;
		break;
	}
	case KCB_LOOP_INDEXED: {
		indexed_fn f = (indexed_fn)w->fn;
		unsigned int i = 0;
		for (auto _ : st)
			f(i++);
		break;
	}
	default: /* cold_pointer: the harness's own evict-then-call loop, one op at a time */
		for (auto _ : st)
			kcb_work_run(w, 1);
		break;
	}
}

/* called by libbenchmark, built without the model's fixed registers */
static void bm_item(benchmark::State &st, kcb_plan_item *it)
{
	unsigned long caller = kcb_percpu_enter();
	bm_item_run(st, it);
	kcb_percpu_leave(caller);
}

/* bench/precision.py's gbench_key() reads these names back */
static std::string gbench_name(const kcb_plan_item &it)
{
	static const std::string aligned = "static_a";
	std::string leaf = it.variant.compare(0, aligned.size(), aligned) == 0 ?
				   "align:" + it.variant.substr(aligned.size()) :
				   "variant:" + it.variant;
	return it.model + "/" + it.scenario + "/" + leaf;
}

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return KCB_EXIT_USAGE;
	kcb_caches_init();
	if (!kcb_consts_ready()) {
		fprintf(stderr, "kcb_gbench: refusing to measure: runtime_const sites are not patched and verified\n");
		return KCB_EXIT_NOT_PATCHED;
	}
	static std::vector<kcb_plan_item> plan;
	std::string err;
	int rc = kcb_make_plan({}, {}, {}, "distro", &plan, &err);
	if (rc) {
		fprintf(stderr, "kcb_gbench: %s\n", err.c_str());
		return rc;
	}
	for (kcb_plan_item &it : plan)
		benchmark::RegisterBenchmark(gbench_name(it).c_str(), bm_item, &it);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return KCB_EXIT_OK;
}
