// SPDX-License-Identifier: GPL-2.0
/*
 * kcb_bench: the cycle harness.  Patches and verifies every runtime_const
 * site, then measures each (model, scenario, variant) of this build with the
 * best counter the machine offers; see bench/METHOD.md for the method.
 */
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "context.h"
#include "counters.h"
#include "cpu.h"
#include "exit_codes.h"
#include "harness.h"
#include "hotpaths.h"
#include "json_writer.h"
#include "loops.h"
#include "results.h"
#include "scenarios.h"

/* Setup randomisation (Mytkowicz et al., "Producing wrong data without doing
 * anything obviously wrong"): where the stack sits modulo 4 KiB decides which
 * stack stores 4K-alias the hot path's data loads, and on this machine moves a
 * single layout's latency by up to ~15 cycles (it depends on the environment
 * size).  Each round runs with the stack at another fixed page offset, so a
 * record's samples cover 5 layouts, the same 5 in every run.  The default
 * runs 10 rounds per layout: short rounds spread a slow spell (outside load,
 * a mistrained predictor) over every record instead of one record's median. */
static const unsigned int stack_offsets[] = {0, 816, 1632, 2448, 3264};
#define KCB_NR_LAYOUTS (sizeof(stack_offsets) / sizeof(stack_offsets[0]))

template <class F> static __attribute__((noinline)) void at_stack_offset(unsigned int off, F fn)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	size_t d = (sp - off) & 4095;
	volatile char *p = (volatile char *)__builtin_alloca(d + 16);
	p[0] = 0; /* keep the allocation */
	fn();
	__asm__ volatile("" : : "r"(p) : "memory");
}

static int fail(int code, const std::string &msg)
{
	fprintf(stderr, "kcb_bench: %s\n", msg.c_str());
	return code;
}

int main(int argc, char **argv)
{
	kcb_options opt;
	std::string err;
	int rc = kcb_parse_args(argc, argv, &opt, &err);
	if (rc)
		return fail(rc, err);
	if (opt.help) {
		fputs(kcb_usage(), stdout);
		return KCB_EXIT_OK;
	}

	std::vector<kcb_plan_item> plan;
	rc = kcb_make_plan(opt.scenarios, opt.models, opt.variants, &plan, &err);
	if (rc)
		return fail(rc, err);
	if (opt.list) {
		for (const kcb_plan_item &it : plan)
			printf("%-9s %-14s %-19s %s%s%s\n", it.model.c_str(), it.scenario.c_str(), it.variant.c_str(),
			       it.symbol.c_str(), it.note.empty() ? "" : "  # ", it.note.c_str());
		return KCB_EXIT_OK;
	}

	/* the same address layout in every run (see context.h) */
	std::string aslr;
	kcb_reexec_without_aslr(argv, kcb_detect_emulation(&err), &aslr);

	/* Refuse to measure unless every patched site decodes to its cache. */
	if (opt.no_patch)
		kcb_caches_init_unpatched();
	else
		kcb_caches_init();
	if (!kcb_consts_ready()) {
		unsigned int sites = 0;
		int bad = kcb_consts_verify(&sites, false);
		return fail(KCB_EXIT_NOT_PATCHED,
			    "refusing to measure: runtime_const sites are not patched and verified (" +
				    std::to_string(bad) + " of " + std::to_string(sites) + " sites wrong" +
				    (opt.no_patch ? ", --no-patch" : "") + ")");
	}

	if (!opt.out.empty()) {
		err = kcb_check_writable(opt.out);
		if (!err.empty())
			return fail(KCB_EXIT_OUTPUT, "output: " + err);
	}

	kcb_context ctx;
	kcb_context_fill(&ctx);
	ctx.command = opt.command;
	ctx.aslr = aslr;

	kcb_counters counters;
	rc = counters.setup(opt.events, ctx.emulated, &err);
	if (rc)
		return fail(rc, err);

	kcb_loops_set_chain_pad(!ctx.emulated);
	kcb_pin(opt.cpu, &ctx);
	if (ctx.pinned_cpu < 0)
		fprintf(stderr, "kcb_bench: %s; numbers may move between CPUs\n", ctx.pin_note.c_str());

	kcb_harness_cfg cfg;
	if (opt.quick) {
		cfg.samples = 45;
		cfg.rounds = KCB_NR_LAYOUTS;
		cfg.target_ns = 5000;
		cfg.warmup_ns = 2e6;
	} else {
		cfg.samples = 1000;
		cfg.rounds = 10 * KCB_NR_LAYOUTS;
		cfg.target_ns = 20000;
		cfg.warmup_ns = 0.5e6;
	}
	if (opt.samples)
		cfg.samples = opt.samples;

	double tpc = 0;
	if (!counters.pmu_cycles() && counters.ticks_index() >= 0)
		tpc = kcb_calibrate_ticks_per_cycle(counters, opt.quick ? 31 : 101);

	kcb_run_info info;
	info.ticks_per_cycle = tpc;
	info.ticks_hz = ctx.emulated ? 0 : (double)kcb_ticks_hz();
	info.evict_method = kcb_evict_method();
	info.layouts = "stack at";
	for (unsigned int off : stack_offsets)
		info.layouts += " " + std::to_string(off);
	info.layouts += " mod 4 KiB, one per round";
	kcb_describe_counters(counters, ctx, tpc, &info);
	fprintf(stderr, "kcb_bench: %s\n", info.counter_note.c_str());

	/* Rounds: every record gets a share of its samples in each pass, so a
	 * burst of outside load spreads over all records instead of skewing one. */
	std::vector<kcb_sampler> samplers(plan.size());
	std::vector<kcb_record> records(plan.size());
	auto t0 = std::chrono::steady_clock::now();
	for (unsigned int round = 0; round < cfg.rounds; round++) {
		unsigned int share = cfg.samples / cfg.rounds + (round < cfg.samples % cfg.rounds);
		for (size_t k = 0; k < plan.size(); k++) {
			kcb_plan_item &it = plan[k];
			fprintf(stderr, "[%s/%s %zu/%zu", it.model.c_str(), it.scenario.c_str(), k + 1, plan.size());
			if (cfg.rounds > 1)
				fprintf(stderr, " round %u/%u", round + 1, cfg.rounds);
			fprintf(stderr, "] %s ...", it.variant.c_str());
			fflush(stderr);
			kcb_caches_reset(); /* same allocator state for every record */
			at_stack_offset(stack_offsets[round % KCB_NR_LAYOUTS], [&] {
				kcb_sample_round(counters, &it.body, &it.empty, cfg, share, &samplers[k]);
			});
			kcb_record &r = records[k];
			r.item = &it;
			if (!kcb_sample_finish(counters, samplers[k], tpc, &r.m, &err)) {
				fputc('\n', stderr);
				return fail(KCB_EXIT_FAILURE, err);
			}
			const kcb_metric &p = kcb_primary(r.m);
			fprintf(stderr, " %.2f %s\n", p.s.median, p.unit.c_str());
		}
	}
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	info.seconds = secs;

	if (!opt.out.empty()) {
		err = kcb_write_atomic(opt.out, kcb_results_json(ctx, info, records));
		if (!err.empty())
			return fail(KCB_EXIT_OUTPUT, "output: " + err);
	}
	kcb_print_table(stdout, records);
	fprintf(stderr, "kcb_bench: %zu records in %.1f s%s%s\n", records.size(), secs,
		opt.out.empty() ? "" : ", written to ", opt.out.c_str());
	return KCB_EXIT_OK;
}
