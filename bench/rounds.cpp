// SPDX-License-Identifier: GPL-2.0
/*
 * The run's round loop (rounds.h): every record gets a share of its samples
 * in each round, so a burst of outside load spreads over all records
 * instead of skewing one.
 */
#include "rounds.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "hotpaths.h"
#include "loops.h"
#include "physpage.h"
#include "results.h"

/* Setup randomisation (Mytkowicz et al., "Producing wrong data without doing
 * anything obviously wrong"): where the stack sits modulo 4 KiB decides which
 * stack stores 4K-alias the hot path's data loads, and on this machine moves a
 * single layout's latency by up to ~15 cycles (it depends on the environment
 * size).  Each round runs with the stack at another fixed page offset, so a
 * record's samples cover 5 layouts, the same 5 in every run.  The default
 * runs 10 rounds per layout: short rounds spread a slow spell (outside load,
 * a mistrained predictor) over every record instead of one record's median. */
const unsigned int kcb_stack_offsets[] = {0, 816, 1632, 2448, 3264};
const unsigned int kcb_nr_layouts = sizeof(kcb_stack_offsets) / sizeof(kcb_stack_offsets[0]);

template <class F> static __attribute__((noinline)) void at_stack_offset(unsigned int off, F fn)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	size_t d = (sp - off) & 4095;
	volatile char *p = (volatile char *)__builtin_alloca(d + 16);
	p[0] = 0; /* keep the allocation */
	fn();
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Groups: the records of one (model, scenario), in plan order.  Their
 * samples interleave (kcb_sample_group_round), so variant - static
 * pairs sample by sample. */
static std::vector<std::vector<size_t>> plan_groups(const std::vector<kcb_plan_item> &plan)
{
	std::vector<std::vector<size_t>> groups;
	for (size_t k = 0; k < plan.size(); k++) {
		if (groups.empty() || plan[groups.back().front()].model != plan[k].model ||
		    plan[groups.back().front()].scenario != plan[k].scenario)
			groups.push_back({});
		groups.back().push_back(k);
	}
	return groups;
}

std::vector<kcb_record> kcb_run_rounds(std::vector<kcb_plan_item> &plan, const kcb_counters &counters,
				       const kcb_harness_cfg &cfg, const kcb_calibration &cal, double tpc,
				       bool emulated, bool move_frames, kcb_rounds *out, std::string *err)
{
	std::vector<std::vector<size_t>> groups = plan_groups(plan);

	/* physical frames: moved before every round when the caller asks
	 * (natively, on 4 KiB pages: under QEMU frames mean nothing, and moving
	 * 4 KiB frames would split 2 MiB ones) */
	std::vector<kcb_range> slab_mem(2);
	kcb_slab_memory(&slab_mem[0].start, &slab_mem[0].len, &slab_mem[1].start, &slab_mem[1].len);
	move_frames = move_frames && !emulated;

	std::vector<kcb_sampler> samplers(plan.size());
	std::vector<kcb_record> records(plan.size());
	std::vector<double> round_disagree; /* per group round */
	/* test hook: every group round counts as shared (rounds.h) */
	const bool test_shared = getenv("KCB_TEST_ROUNDS_SHARED") != nullptr;
	auto t0 = std::chrono::steady_clock::now();
	for (unsigned int round = 0; round < cfg.rounds; round++) {
		if (move_frames) { /* other physical frames every round (physpage.h) */
			unsigned int moved = 0;
			if (kcb_fresh_physical_frames(slab_mem, &moved, err)) {
				out->moved_min = round ? std::min(out->moved_min, moved) : moved;
				out->moved_max = std::max(out->moved_max, moved);
			} else {
				fprintf(stderr, "kcb_bench: moving pages to fresh physical frames failed (%s); "
						"every round keeps the frames it has\n", err->c_str());
				out->frames_error = *err;
				err->clear();
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
			if (cal.add_tpc > 0) {
				double p0 = emulated ? 0 : kcb_quiet_wait();
				kcb_calibration rc = kcb_calibrate(counters, 7, false);
				/* another hardware thread on the core slows both
				 * references alike, so they agree on a factor up to
				 * twice the core's: such a round keeps the start's */
				bool shared = !emulated &&
					      (test_shared || std::max(p0, kcb_quiet_probe()) > kcb_quiet_limit());
				round_disagree.push_back(std::fabs(rc.disagreement()));
				/* a round whose references disagree was disturbed
				 * (preempted mid-chain): it keeps the start's factor */
				rtpc = tpc > 0 ? (rc.agree() && !shared ? rc.add_tpc : tpc) : 0;
				out->cal_kept_start += tpc > 0 && (!rc.agree() || shared);
				if (!shared) {
					out->l1_ticks.push_back(rc.l1_ticks);
					out->l1_unit.push_back(rtpc > 0 ? rc.l1_ticks / rtpc : rc.l1_ticks);
				} else {
					out->l1_shared++;
				}
			}
			if (rtpc > 0) {
				out->tpc_lo = out->tpc_lo > 0 ? std::min(out->tpc_lo, rtpc) : rtpc;
				out->tpc_hi = std::max(out->tpc_hi, rtpc);
			}
			kcb_caches_reset(); /* same allocator state for every group */
			kcb_loops_set_layout(round); /* latency: another loop copy each round */
			at_stack_offset(kcb_stack_offsets[round % kcb_nr_layouts], [&] {
				kcb_sample_group_round(counters, bodies, empties, cfg, share, rtpc, ss);
			});
			for (size_t k : groups[g]) {
				kcb_record &r = records[k];
				r.item = &plan[k];
				if (!kcb_sample_finish(counters, samplers[k], tpc, 0, &r.m, err)) {
					fputc('\n', stderr);
					return {};
				}
				const kcb_metric &p = kcb_primary(r.m);
				fprintf(stderr, " %s %.2f", plan[k].variant.c_str(), p.s.median);
			}
			fprintf(stderr, " %s\n", kcb_primary(records[groups[g].front()].m).unit.c_str());
		}
	}
	out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	out->frames_moved = move_frames;

	/* A core whose references disagree in most rounds shortcuts one of
	 * them: no calibrated cycles, though the start agreed. */
	out->tpc = tpc;
	if (!round_disagree.empty()) {
		std::vector<double> d = round_disagree;
		out->disagree = kcb_summarize(d);
		out->disagree_max = d.back();
		if (tpc > 0 && out->disagree.median > KCB_CALIB_TOLERANCE) {
			out->refused = true;
			out->tpc = 0;
			out->l1_unit = out->l1_ticks;
		}
	}

	/* Final statistics from the quiet samples (harness.h, KCB_QUIET_SLACK):
	 * on a shared host the other hardware thread of the core comes and goes,
	 * and samples taken while it runs are slower by up to 2x.  Under QEMU
	 * every timing is emulated anyway: all samples are kept. */
	out->quiet_limit = emulated ? 0 : kcb_quiet_limit();
	for (size_t k = 0; k < plan.size(); k++) {
		if (!kcb_sample_finish(counters, samplers[k], out->tpc, out->quiet_limit, &records[k].m, err))
			return {};
		out->taken += records[k].m.taken;
		out->used += records[k].m.used;
	}
	return records;
}
