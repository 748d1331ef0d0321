// SPDX-License-Identifier: GPL-2.0
/*
 * kcb_bench: the cycle harness.  Patches and verifies every runtime_const
 * site, then measures each (model, scenario, variant) of this build with the
 * best counter the machine offers; see bench/METHOD.md for the method.
 */
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.h"
#include "context.h"
#include "counters.h"
#include "cpu.h"
#include "exit_codes.h"
#include "harness.h"
#include "hugetext.h"
#include "hotpaths.h"
#include "json_writer.h"
#include "loops.h"
#include "results.h"
#include "rounds.h"
#include "scenarios.h"

/* one line on stderr: a control byte from argv (a newline in a file
 * name) is written as \xNN */
static int fail(int code, const std::string &msg)
{
	std::string line;
	for (unsigned char c : msg) {
		char esc[8];
		snprintf(esc, sizeof(esc), "\\x%02x", c);
		line += c < 0x20 || c == 0x7f ? esc : std::string(1, (char)c);
	}
	fprintf(stderr, "kcb_bench: %s\n", line.c_str());
	return code;
}

/* the sampling of --quick and of a full run */
static kcb_harness_cfg harness_cfg(const kcb_options &opt)
{
	kcb_harness_cfg cfg;
	if (opt.quick) {
		cfg.samples = 45;
		cfg.rounds = kcb_nr_layouts;
		cfg.target_ns = 5000;
		cfg.warmup_ns = 2e6;
	} else {
		cfg.samples = 1000;
		cfg.rounds = 10 * kcb_nr_layouts;
		cfg.target_ns = 20000;
		cfg.warmup_ns = 0.5e6;
	}
	if (opt.samples)
		cfg.samples = opt.samples;
	return cfg;
}

/* what the run found about itself, one line each on stderr */
static void print_run_notes(const kcb_run_info &info)
{
	if (!info.cal_refused.empty())
		fprintf(stderr, "kcb_bench: calibrated-cycles refused: %s\n", info.cal_refused.c_str());
	fprintf(stderr, "kcb_bench: %s\n", info.contention.c_str());
	if (!info.calibration.empty())
		fprintf(stderr, "kcb_bench: %s\n", info.calibration.c_str());
	if (!info.known.unit.empty())
		fprintf(stderr, "kcb_bench: %s\n", kcb_known_answer_line(info.known).c_str());
	for (const std::string &w : info.known.warnings)
		fprintf(stderr, "kcb_bench: warning: %s\n", w.c_str());
}

/* Everything before the first sample: output, layout, arena, patched
 * sites, context, counters, CPU.  Returns a kcb_exit code (*err: why). */
static int set_up(const kcb_options &opt, char **argv, kcb_context *ctx, kcb_counters *counters, std::string *err)
{
	/* before anything is measured: a run must not end unable to write */
	if (!opt.out.empty()) {
		*err = kcb_check_writable(opt.out);
		if (!err->empty()) {
			*err = "output: " + *err;
			return KCB_EXIT_OUTPUT;
		}
	}

	/* the same address layout in every run (see context.h) */
	std::string aslr, why;
	kcb_reexec_without_aslr(argv, kcb_detect_emulation(&why), &aslr);

	/* the slab arena first: an address-space limit is its own error, not
	 * a failed patch */
	size_t arena_bytes;
	kcb_page_alloc_huge = opt.pages == "2m"; /* before the arena is reserved */
	int e = kcb_slab_arena_reserve(&arena_bytes);
	if (e) {
		*err = "cannot reserve the " + std::to_string(arena_bytes >> 20) + " MiB slab arena: " + strerror(e) +
		       " (address-space limit, ulimit -v?)";
		return KCB_EXIT_NO_MEMORY;
	}

	/* Refuse to measure unless every patched site decodes to its cache. */
	if (opt.no_patch)
		kcb_caches_init_unpatched();
	else
		kcb_caches_init();
	if (!kcb_consts_ready()) {
		unsigned int sites = 0;
		int bad = kcb_consts_verify(&sites, false);
		*err = "refusing to measure: runtime_const sites are not patched and verified (" +
		       std::to_string(bad) + " of " + std::to_string(sites) + " sites wrong" +
		       (opt.no_patch ? ", --no-patch" : "") + ")";
		return KCB_EXIT_NOT_PATCHED;
	}

	kcb_context_fill(ctx);
	/* the text is final now (patched); the arena's note joins it later */
	ctx->pages = kcb_text_on_huge_page(opt.pages == "2m", ctx->emulated);
	ctx->command = opt.command;
	ctx->config = opt.config;
	ctx->aslr = aslr;

	int rc = counters->setup(opt.events, ctx->emulated, err);
	if (rc)
		return rc;

	kcb_loops_set_chain_pad(!ctx->emulated);
	kcb_pin(opt.cpu, ctx);
	if (ctx->pinned_cpu < 0)
		fprintf(stderr, "kcb_bench: %s; numbers may move between CPUs\n", ctx->pin_note.c_str());
	return KCB_EXIT_OK;
}

/* The run's start: ticks per cycle from the two references (*tpc_out, 0:
 * none or refused), the counter in words, the quiet level learnt. */
static kcb_run_info calibrate_start(const kcb_options &opt, const kcb_context &ctx, const kcb_counters &counters,
				    unsigned int calib_runs, double *tpc_out)
{
	/* two references that no core can shortcut; when they disagree the
	 * run reports ticks and says why (harness.h, METHOD.md) */
	kcb_run_info info;
	if (counters.ticks_index() >= 0)
		info.cal = kcb_calibrate(counters, calib_runs);
	double tpc = *tpc_out = counters.pmu_cycles() ? 0 : info.cal.tpc();
	if (!counters.pmu_cycles() && info.cal.add_tpc > 0 && !info.cal.agree())
		info.cal_refused = kcb_calibration_refusal(info.cal, "at the start");
	info.ticks_per_cycle = tpc;
	info.ticks_hz = ctx.emulated ? 0 : (double)kcb_ticks_hz();
	info.evict_method = kcb_evict_method();
	kcb_describe_counters(counters, ctx, tpc, &info);
	/* learn the quiet level; see harness.h.  15 s of waiting at most: a
	 * full run stays under 30 s on a host contended throughout (a Zen 3
	 * VM waited 4-22 s per run, and 30.5 s in all with a 30 s budget) */
	if (!ctx.emulated)
		kcb_quiet_start(opt.quick ? 50 : 300, opt.quick ? 1000 : 15000);
	fprintf(stderr, "kcb_bench: %s\n", info.counter_note.c_str());
	if (info.cal.add_tpc > 0)
		fprintf(stderr, "kcb_bench: calibration references: add %.4f, multiply %.4f ticks/cycle (%+.1f%%); "
				"L1 chase %.2f ticks per load\n",
			info.cal.add_tpc, info.cal.mul_tpc, 100 * info.cal.disagreement(), info.cal.l1_ticks);
	return info;
}

int main(int argc, char **argv)
{
	/* a file-size limit (a full disk by another name) is an error to
	 * report, exit 4, not a kill that leaves a temp file behind */
	signal(SIGXFSZ, SIG_IGN);

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

	kcb_context ctx;
	kcb_counters counters;
	rc = set_up(opt, argv, &ctx, &counters, &err);
	if (rc)
		return fail(rc, err);
	kcb_harness_cfg cfg = harness_cfg(opt);
	double tpc;
	const unsigned int calib_runs = opt.quick ? 31 : 101;
	kcb_run_info info = calibrate_start(opt, ctx, counters, calib_runs, &tpc);

	kcb_rounds rounds;
	std::vector<kcb_record> records =
		kcb_run_rounds(plan, counters, cfg, info.cal, tpc, ctx.emulated, opt.pages == "4k", &rounds, &err);
	if (records.empty())
		return fail(KCB_EXIT_FAILURE, err);
	/* after the rounds: the arena's slabs exist now */
	uintptr_t arena, meta;
	size_t arena_len, meta_len;
	kcb_slab_memory(&arena, &arena_len, &meta, &meta_len);
	ctx.pages = (opt.pages == "2m" ? "--pages 2m: " + kcb_hugepage_note(arena, arena_len)
				       : "--pages 4k: 4 KiB pages, moved to fresh frames every round") +
		    "; " + ctx.pages;

	std::vector<kcb_delta> deltas = kcb_deltas(records);
	kcb_describe_run(ctx, counters, rounds, calib_runs, deltas, &info);
	print_run_notes(info);
	if (!opt.out.empty()) {
		err = kcb_write_atomic(opt.out, kcb_results_json(ctx, info, records, deltas));
		if (!err.empty())
			return fail(KCB_EXIT_OUTPUT, "output: " + err);
	}
	kcb_print_table(stdout, records);
	kcb_print_modes(stdout, records, ctx.emulated);
	kcb_print_deltas(stdout, deltas);
	fprintf(stderr, "kcb_bench: %zu records in %.1f s%s%s\n", records.size(), rounds.seconds,
		opt.out.empty() ? "" : ", written to ", opt.out.c_str());
	return KCB_EXIT_OK;
}
