// SPDX-License-Identifier: GPL-2.0
/*
 * kcb_bench: the cycle harness.  Patches and verifies every runtime_const
 * site, then measures each (model, scenario, variant) of this build with the
 * best counter the machine offers; see bench/METHOD.md for the method.
 */
#include <algorithm>
#include <chrono>
#include <cmath>
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
#include "known_answer.h"
#include "loops.h"
#include "physpage.h"
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

/* why calibrated-cycles are refused, in one line */
static std::string calibration_refusal(const kcb_calibration &cal, const char *when)
{
	char buf[320];
	snprintf(buf, sizeof(buf),
		 "the calibration references disagree %s: register-register add %.4f vs multiply %.4f "
		 "ticks/cycle (%+.1f%%, tolerance %.0f%%), so this core shortcuts one of them; results stay in %s%s",
		 when, cal.add_tpc, cal.mul_tpc, 100 * cal.disagreement(), 100 * KCB_CALIB_TOLERANCE, KCB_TICKS_UNIT,
		 cal.test_scale > 0 ? " (KCB_TEST_ADD_REF_SCALE test hook set)" : "");
	return buf;
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
	rc = kcb_make_plan(opt.scenarios, opt.models, opt.variants, opt.config, &plan, &err);
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
	kcb_page_alloc_huge = opt.pages == "2m"; /* before the first cache */
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
	ctx.config = opt.config;

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

	/* two references that no core can shortcut; when they disagree the
	 * run reports ticks and says why (harness.h, METHOD.md) */
	kcb_run_info info;
	const unsigned int calib_runs = opt.quick ? 31 : 101;
	if (counters.ticks_index() >= 0)
		info.cal = kcb_calibrate(counters, calib_runs);
	double tpc = counters.pmu_cycles() ? 0 : info.cal.tpc();
	if (!counters.pmu_cycles() && info.cal.add_tpc > 0 && !info.cal.agree())
		info.cal_refused = calibration_refusal(info.cal, "at the start");
	info.ticks_per_cycle = tpc;
	info.ticks_hz = ctx.emulated ? 0 : (double)kcb_ticks_hz();
	info.evict_method = kcb_evict_method();
	info.latency_method =
		ctx.emulated ? std::string("x = op(x), cache address from and-zero of the last result (emulated: no "
					   "gate, no pad)")
		: KCB_HAVE_EXEC_GATE
			? std::string("loop: gate, 40-54 dependent register-register adds (8 loop copies, one per round), call; hot path: "
				      "cache address from and-zero of the last result, gate, op; gate = ") + KCB_EXEC_GATE_INSN
			: std::string("x = op(x) + 96 dependent adds; cache address from and-zero of the last result "
				      "(no execution gate on this arch)");
	info.layouts = "stack at";
	for (unsigned int off : stack_offsets)
		info.layouts += " " + std::to_string(off);
	info.layouts += " mod 4 KiB, one per round";
	kcb_describe_counters(counters, ctx, tpc, &info);
	if (!ctx.emulated) /* learn the quiet level; see harness.h */
		kcb_quiet_start(opt.quick ? 50 : 300, opt.quick ? 1000 : 30000);
	fprintf(stderr, "kcb_bench: %s\n", info.counter_note.c_str());
	if (info.cal.add_tpc > 0)
		fprintf(stderr, "kcb_bench: calibration references: add %.4f, multiply %.4f ticks/cycle (%+.1f%%); "
				"L1 chase %.2f ticks per load\n",
			info.cal.add_tpc, info.cal.mul_tpc, 100 * info.cal.disagreement(), info.cal.l1_ticks);

	/* Groups: the records of one (model, scenario), in plan order.  Their
	 * samples interleave (kcb_sample_group_round), so variant - static
	 * pairs sample by sample. */
	std::vector<std::vector<size_t>> groups;
	for (size_t k = 0; k < plan.size(); k++) {
		if (groups.empty() || plan[groups.back().front()].model != plan[k].model ||
		    plan[groups.back().front()].scenario != plan[k].scenario)
			groups.push_back({});
		groups.back().push_back(k);
	}

	/* physical frames: moved before every round, natively (under QEMU the
	 * timings are emulated and frames mean nothing) */
	std::vector<kcb_range> slab_mem(2);
	kcb_slab_memory(&slab_mem[0].start, &slab_mem[0].len, &slab_mem[1].start, &slab_mem[1].len);
	/* huge pages and the moves exclude each other: moving 4 KiB frames
	 * would split the 2 MiB ones */
	bool move_frames = !ctx.emulated && opt.pages == "4k";
	unsigned int moved_min = 0, moved_max = 0;
	std::string frames_note = ctx.emulated ? "not moved (emulated)"
			: opt.pages == "2m" ? "not moved: --pages 2m keeps the 2 MiB pages whole" : "";

	/* Rounds: every record gets a share of its samples in each pass, so a
	 * burst of outside load spreads over all records instead of skewing one. */
	std::vector<kcb_sampler> samplers(plan.size());
	std::vector<kcb_record> records(plan.size());
	double tpc_lo = 0, tpc_hi = 0;
	/* per group round: the references' disagreement, and the L1 chase in
	 * the unit the samples get (calibrated-cycles, else ticks) */
	std::vector<double> round_disagree, l1_unit, l1_ticks;
	unsigned int cal_kept_start = 0; /* rounds that kept the start's factor */
	auto t0 = std::chrono::steady_clock::now();
	for (unsigned int round = 0; round < cfg.rounds; round++) {
		if (move_frames) { /* other physical frames every round (physpage.h) */
			unsigned int moved = 0;
			if (kcb_fresh_physical_frames(slab_mem, &moved, &err)) {
				moved_min = round ? std::min(moved_min, moved) : moved;
				moved_max = std::max(moved_max, moved);
			} else {
				fprintf(stderr, "kcb_bench: moving pages to fresh physical frames failed (%s); "
						"every round keeps the frames it has\n", err.c_str());
				frames_note = "not moved: " + err;
				move_frames = false;
			}
		}
		unsigned int share = cfg.samples / cfg.rounds + (round < cfg.samples % cfg.rounds);
		for (size_t g = 0; g < groups.size(); g++) {
			const kcb_plan_item &first = plan[groups[g].front()];
			fprintf(stderr, "[%s/%s %zu/%zu", first.model.c_str(), first.scenario.c_str(), g + 1,
				groups.size());
			if (cfg.rounds > 1)
				fprintf(stderr, " round %u/%u", round + 1, cfg.rounds);
			fprintf(stderr, "]");
			fflush(stderr);
			std::vector<kcb_work *> bodies, empties;
			std::vector<kcb_sampler *> ss;
			for (size_t k : groups[g]) {
				bodies.push_back(&plan[k].body);
				empties.push_back(&plan[k].empty);
				ss.push_back(&samplers[k]);
			}
			/* the clock drifts: ticks per cycle again for this group round */
			double rtpc = 0;
			if (info.cal.add_tpc > 0) {
				kcb_calibration rc = kcb_calibrate(counters, 7, false);
				round_disagree.push_back(std::fabs(rc.disagreement()));
				/* a round whose references disagree was disturbed
				 * (preempted mid-chain): it keeps the start's factor */
				rtpc = tpc > 0 ? (rc.agree() ? rc.add_tpc : tpc) : 0;
				cal_kept_start += tpc > 0 && !rc.agree();
				l1_ticks.push_back(rc.l1_ticks);
				l1_unit.push_back(rtpc > 0 ? rc.l1_ticks / rtpc : rc.l1_ticks);
			}
			if (rtpc > 0) {
				tpc_lo = tpc_lo > 0 ? std::min(tpc_lo, rtpc) : rtpc;
				tpc_hi = std::max(tpc_hi, rtpc);
			}
			kcb_caches_reset(); /* same allocator state for every group */
			kcb_loops_set_layout(round); /* latency: another loop copy each round */
			at_stack_offset(stack_offsets[round % KCB_NR_LAYOUTS], [&] {
				kcb_sample_group_round(counters, bodies, empties, cfg, share, rtpc, ss);
			});
			for (size_t k : groups[g]) {
				kcb_record &r = records[k];
				r.item = &plan[k];
				if (!kcb_sample_finish(counters, samplers[k], tpc, 0, &r.m, &err)) {
					fputc('\n', stderr);
					return fail(KCB_EXIT_FAILURE, err);
				}
				const kcb_metric &p = kcb_primary(r.m);
				fprintf(stderr, " %s %.2f", plan[k].variant.c_str(), p.s.median);
			}
			fprintf(stderr, " %s\n", kcb_primary(records[groups[g].front()].m).unit.c_str());
		}
	}
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	info.seconds = secs;
	/* after the rounds: the arena's slabs exist now */
	ctx.pages = opt.pages == "2m" ? "--pages 2m: " + kcb_hugepage_note(slab_mem[0].start, slab_mem[0].len)
				      : "--pages 4k: 4 KiB pages, moved to fresh frames every round";
	if (move_frames)
		frames_note = "every resident page of the program image and the slab arena (" +
			      std::to_string(moved_min) + " to " + std::to_string(moved_max) +
			      " pages) moved to other physical frames before each round";
	info.layouts += "; physical frames: " + frames_note;

	/* A core whose references disagree in most rounds shortcuts one of
	 * them: no calibrated cycles, though the start agreed. */
	if (!round_disagree.empty()) {
		std::vector<double> d = round_disagree;
		kcb_summary ds = kcb_summarize(d);
		info.cal_rounds = (unsigned int)ds.samples;
		info.cal_round_disagree_med = ds.median;
		info.cal_round_disagree_max = d.back();
		if (tpc > 0 && ds.median > KCB_CALIB_TOLERANCE) {
			char why[96];
			snprintf(why, sizeof(why), "over the %zu group rounds (median |multiply/add - 1| %.1f%%)",
				 ds.samples, 100 * ds.median);
			info.cal_refused = calibration_refusal(info.cal, why);
			tpc = 0;
			info.ticks_per_cycle = 0;
			l1_unit = l1_ticks;
			kcb_describe_counters(counters, ctx, tpc, &info);
		}
	}
	if (!info.cal_refused.empty()) {
		fprintf(stderr, "kcb_bench: calibrated-cycles refused: %s\n", info.cal_refused.c_str());
		info.warnings.push_back("calibrated-cycles refused: " + info.cal_refused);
	}

	/* Final statistics from the quiet samples (harness.h, KCB_QUIET_SLACK):
	 * on a shared host the other hardware thread of the core comes and goes,
	 * and samples taken while it runs are slower by up to 2x.  Under QEMU
	 * every timing is emulated anyway: all samples are kept. */
	double limit = ctx.emulated ? 0 : kcb_quiet_limit();
	size_t taken = 0, used = 0;
	for (size_t k = 0; k < plan.size(); k++) {
		if (!kcb_sample_finish(counters, samplers[k], tpc, limit, &records[k].m, &err))
			return fail(KCB_EXIT_FAILURE, err);
		taken += records[k].m.taken;
		used += records[k].m.used;
	}
	char buf[256];
	if (limit > 0)
		snprintf(buf, sizeof(buf),
			 "%zu of %zu samples kept (%.0f%%): taken while a throughput probe of independent adds ran "
			 "within %.0f%% of its fastest (%.0f %s); the rest ran while something else shared the core; "
			 "%.0f ms spent waiting for a quiet core",
			 used, taken, taken ? 100.0 * (double)used / (double)taken : 0.0, (KCB_QUIET_SLACK - 1) * 100,
			 limit / KCB_QUIET_SLACK, KCB_TICKS_UNIT, kcb_quiet_waited_ms());
	else
		snprintf(buf, sizeof(buf), "all %zu samples kept (no contention filter: %s)", taken,
			 ctx.emulated ? "emulated" : "no probe");
	info.contention = buf;
	fprintf(stderr, "kcb_bench: %s\n", buf);
	if (tpc_lo > 0) {
		snprintf(buf, sizeof(buf),
			 "ticks per cycle %.4f at the start (%u runs), %.4f to %.4f before the group rounds (7 runs "
			 "each); each sample is converted with its own round's (%u rounds whose references "
			 "disagreed kept the start's)",
			 tpc, calib_runs, tpc_lo, tpc_hi, cal_kept_start);
		info.calibration = buf;
		fprintf(stderr, "kcb_bench: %s\n", buf);
	}

	std::vector<kcb_delta> deltas = kcb_deltas(records);
	if (!l1_unit.empty() && !ctx.emulated) {
		/* the known answer: latency pointer - static is one L1 load */
		std::string unit = tpc > 0 ? "calibrated-cycles" : KCB_TICKS_UNIT;
		std::vector<kcb_known_answer_check> checks;
		for (const kcb_delta &d : deltas) {
			if (d.scenario != "latency" || d.variant != "pointer")
				continue;
			for (const auto &u : d.units)
				if (u.first == unit) {
					kcb_known_answer_check c;
					c.model = d.model;
					c.variant = d.variant;
					c.delta = u.second.median;
					checks.push_back(c);
				}
		}
		kcb_known_answer_eval(l1_unit, l1_ticks, unit, checks, &info.known);
		fprintf(stderr, "kcb_bench: %s\n", kcb_known_answer_line(info.known).c_str());
		for (const std::string &w : info.known.warnings) {
			fprintf(stderr, "kcb_bench: warning: %s\n", w.c_str());
			info.warnings.push_back(w);
		}
	}
	if (!opt.out.empty()) {
		err = kcb_write_atomic(opt.out, kcb_results_json(ctx, info, records, deltas));
		if (!err.empty())
			return fail(KCB_EXIT_OUTPUT, "output: " + err);
	}
	kcb_print_table(stdout, records);
	kcb_print_deltas(stdout, deltas);
	fprintf(stderr, "kcb_bench: %zu records in %.1f s%s%s\n", records.size(), secs,
		opt.out.empty() ? "" : ", written to ", opt.out.c_str());
	return KCB_EXIT_OK;
}
