// SPDX-License-Identifier: GPL-2.0
#include "results.h"

#include "cpu.h"
#include "json_writer.h"
#include "slab_api.h" /* kcb_jump_label_desc */

#include <algorithm>

#define KCB_SCHEMA_VERSION 1

void kcb_describe_counters(const kcb_counters &c, const kcb_context &ctx, double tpc, kcb_run_info *info)
{
	info->pmu = c.pmu_status();
	if (ctx.emulated) {
		info->counter_source = "clock_gettime";
		info->counter_note = "running under QEMU (" + ctx.execution_why +
				     "): timings are emulated-ns, emulated, not cycles; PMU " + c.pmu_status();
		return;
	}
	char buf[64];
	if (c.pmu_cycles()) {
		info->counter_source = "perf_event_open";
		info->counter_note = "PMU cycles available: pmu-cycles from perf_event_open (user mode)";
		if (!c.notes().empty())
			info->counter_note += "; not counted: " + c.notes();
		return;
	}
	const kcb_channel &t = c.channel((size_t)c.ticks_index());
	info->counter_source = t.unit;
	snprintf(buf, sizeof(buf), "%.4f", tpc);
	info->counter_note = "PMU cycles unavailable (" + c.pmu_status().substr(c.pmu_status().find(':') + 2) +
			     "); fallback: " + t.unit + " (" + t.source + ")" +
			     (tpc > 0 ? std::string(", calibrated-cycles at ") + buf +
						" ticks/cycle from a dependent register-register add chain, checked "
						"against a multiply chain"
			      : !info->cal_refused.empty() ? ", calibrated-cycles refused: " + info->cal_refused
							   : std::string(", no cycle calibration")) +
			     ", and clock_gettime ns";
}

std::string kcb_calibration_refusal(const kcb_calibration &cal, const char *when)
{
	char buf[320];
	snprintf(buf, sizeof(buf),
		 "the calibration references disagree %s: register-register add %.4f vs multiply %.4f "
		 "ticks/cycle (%+.1f%%, tolerance %.0f%%), so this core shortcuts one of them; results stay in %s%s",
		 when, cal.add_tpc, cal.mul_tpc, 100 * cal.disagreement(), 100 * KCB_CALIB_TOLERANCE, KCB_TICKS_UNIT,
		 cal.test_scale > 0 ? " (KCB_TEST_ADD_REF_SCALE test hook set)" : "");
	return buf;
}

/* the known answer: latency pointer - static is one L1 load */
static void check_known_answer(const kcb_rounds &r, const std::vector<kcb_delta> &deltas, kcb_run_info *info)
{
	std::string unit = r.tpc > 0 ? "calibrated-cycles" : KCB_TICKS_UNIT;
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
	kcb_known_answer_eval(r.l1_unit, r.l1_ticks, r.l1_shared, unit, checks, &info->known);
	for (const std::string &w : info->known.warnings)
		info->warnings.push_back(w);
}

void kcb_describe_run(const kcb_context &ctx, const kcb_counters &c, const kcb_rounds &r, unsigned int calib_runs,
		      const std::vector<kcb_delta> &deltas, kcb_run_info *info)
{
	info->seconds = r.seconds;
	info->latency_method =
		ctx.emulated ? std::string("x = op(x), cache address from and-zero of the last result (emulated: no "
					   "gate, no pad)")
		: KCB_HAVE_EXEC_GATE
			? std::string("loop: gate, 40-54 dependent register-register adds (8 loop copies, one per round), call; hot path: "
				      "cache address from and-zero of the last result, gate, op; gate = ") + KCB_EXEC_GATE_INSN
			: std::string("x = op(x) + 96 dependent adds; cache address from and-zero of the last result "
				      "(no execution gate on this arch)");
	info->layouts = "stack at";
	for (unsigned int i = 0; i < kcb_nr_layouts; i++)
		info->layouts += " " + std::to_string(kcb_stack_offsets[i]);
	info->layouts += " mod 4 KiB, one per round; physical frames: ";
	if (ctx.emulated)
		info->layouts += "not moved (emulated)";
	else if (!r.frames_moved)
		info->layouts += "not moved: " + (r.frames_error.empty() ? std::string("--pages 2m keeps the 2 MiB pages whole")
									   : r.frames_error);
	else
		info->layouts += "every resident page of the program image and the slab arena (" +
				 std::to_string(r.moved_min) + " to " + std::to_string(r.moved_max) +
				 " pages) moved to other physical frames before each round";

	if (r.disagree.samples) {
		info->cal_rounds = (unsigned int)r.disagree.samples;
		info->cal_round_disagree_med = r.disagree.median;
		info->cal_round_disagree_max = r.disagree_max;
	}
	if (r.refused) {
		char why[96];
		snprintf(why, sizeof(why), "over the %zu group rounds (median |multiply/add - 1| %.1f%%)",
			 r.disagree.samples, 100 * r.disagree.median);
		info->cal_refused = kcb_calibration_refusal(info->cal, why);
		info->ticks_per_cycle = 0;
		kcb_describe_counters(c, ctx, 0, info);
	}
	if (!info->cal_refused.empty())
		info->warnings.push_back("calibrated-cycles refused: " + info->cal_refused);

	char buf[256];
	if (r.quiet_limit > 0)
		snprintf(buf, sizeof(buf),
			 "%zu of %zu samples kept (%.0f%%): taken while a throughput probe of independent adds ran "
			 "within %.0f%% of its fastest (%.0f %s); the rest ran while something else shared the core; "
			 "%.0f ms spent waiting for a quiet core",
			 r.used, r.taken, r.taken ? 100.0 * (double)r.used / (double)r.taken : 0.0,
			 (KCB_QUIET_SLACK - 1) * 100, r.quiet_limit / KCB_QUIET_SLACK, KCB_TICKS_UNIT,
			 kcb_quiet_waited_ms());
	else
		snprintf(buf, sizeof(buf), "all %zu samples kept (no contention filter: %s)", r.taken,
			 ctx.emulated ? "emulated" : "no probe");
	info->contention = buf;
	if (r.tpc_lo > 0) {
		snprintf(buf, sizeof(buf),
			 "ticks per cycle %.4f at the start (%u runs), %.4f to %.4f before the group rounds (7 runs "
			 "each); each sample is converted with its own round's (%u rounds whose references "
			 "disagreed, or whose core was shared, kept the start's)",
			 r.tpc, calib_runs, r.tpc_lo, r.tpc_hi, r.cal_kept_start);
		info->calibration = buf;
	}
	/* also with no chase kept: then it says why (known_answer.h) */
	if (!ctx.emulated)
		check_known_answer(r, deltas, info);
}

const kcb_metric &kcb_primary(const kcb_measurement &m)
{
	static const char *const order[] = {"pmu-cycles", "calibrated-cycles", "tsc-ticks", "timer-ticks",
					    "ns", "emulated-ns"};
	for (const char *u : order)
		for (const kcb_metric &x : m.metrics)
			if (x.unit == u)
				return x;
	/* the tick unit is the arch's own name: the first non-perf channel */
	for (const kcb_metric &x : m.metrics)
		if (x.unit != "instructions" && x.unit != "L1-dcache-load-misses")
			return x;
	return m.metrics.back();
}

static const kcb_record *find_record(const std::vector<kcb_record> &records, const std::string &model,
				     const std::string &scenario, const std::string &variant)
{
	for (const kcb_record &r : records)
		if (r.item->model == model && r.item->scenario == scenario && r.item->variant == variant)
			return &r;
	return nullptr;
}

static const kcb_metric *find_metric(const kcb_measurement &m, const std::string &unit)
{
	for (const kcb_metric &x : m.metrics)
		if (x.unit == unit)
			return &x;
	return nullptr;
}

std::vector<kcb_delta> kcb_deltas(const std::vector<kcb_record> &records)
{
	std::vector<kcb_delta> out;
	for (const kcb_record &r : records) {
		const kcb_plan_item &it = *r.item;
		std::string base = it.scenario == "static_align" ? "static_a8" : "static";
		if (it.variant == base)
			continue;
		const kcb_record *b = find_record(records, it.model, it.scenario, base);
		if (!b)
			continue;
		kcb_delta d;
		d.model = it.model;
		d.scenario = it.scenario;
		d.variant = it.variant;
		d.baseline = base;
		const kcb_metric &p = kcb_primary(r.m);
		std::vector<const kcb_metric *> order = {&p};
		for (const kcb_metric &m : r.m.metrics)
			if (&m != &p)
				order.push_back(&m);
		for (const kcb_metric *m : order) {
			const kcb_metric *bm = find_metric(b->m, m->unit);
			if (!bm || bm->ordered.size() != m->ordered.size() || m->ordered.empty())
				continue;
			/* pairs whose both samples were quiet, if enough; else all */
			const std::vector<unsigned char> &qa = r.m.quiet, &qb = b->m.quiet;
			size_t n = m->ordered.size(), nq = 0;
			bool mask = qa.size() == n && qb.size() == n;
			for (size_t k = 0; mask && k < n; k++)
				nq += qa[k] && qb[k];
			mask = mask && nq >= std::max<size_t>(7, n / 10);
			std::vector<double> v;
			for (size_t k = 0; k < n; k++)
				if (!mask || (qa[k] && qb[k]))
					v.push_back(m->ordered[k] - bm->ordered[k]);
			d.pairs = v.size();
			d.units.push_back({m->unit, kcb_summarize(v)});
		}
		if (!d.units.empty())
			out.push_back(d);
	}
	return out;
}

std::string kcb_results_json(const kcb_context &ctx, const kcb_run_info &info,
			     const std::vector<kcb_record> &records, const std::vector<kcb_delta> &deltas)
{
	kcb_json j;
	j.begin_object();
	j.kv_int("schema_version", KCB_SCHEMA_VERSION);
	j.kv("kind", "measured");
	j.key("context").begin_object();
	j.kv("host", ctx.host).kv("cpu_model", ctx.cpu_model).kv_int("cores", ctx.cores);
	j.kv("kernel", ctx.kernel).kv("arch", ctx.arch).kv("triple", ctx.triple);
	j.kv("compiler", ctx.compiler).kv("flags", ctx.flags);
	j.kv("config", ctx.config).kv("static_keys", kcb_jump_label_desc).kv("percpu", kcb_percpu_desc);
	j.kv("pages", ctx.pages);
	j.kv("execution", ctx.emulated ? "qemu" : "native").kv("execution_detected_by", ctx.execution_why);
	j.kv_str_or_null("qemu_version", ctx.qemu_version).kv_str_or_null("qemu_cpu", ctx.qemu_cpu);
	j.kv("counter_source", info.counter_source).kv("counter_note", info.counter_note);
	j.kv("pmu", info.pmu);
	if (info.ticks_per_cycle > 0)
		j.kv_num("ticks_per_cycle", info.ticks_per_cycle);
	else
		j.key("ticks_per_cycle").null();
	if (info.ticks_hz > 0)
		j.kv_num("ticks_hz", info.ticks_hz);
	else
		j.key("ticks_hz").null();
	j.kv_str_or_null("governor", ctx.governor);
	if (ctx.pinned_cpu >= 0)
		j.kv_int("pinned_cpu", ctx.pinned_cpu);
	else
		j.key("pinned_cpu").null();
	j.kv("pin_note", ctx.pin_note).kv("aslr", ctx.aslr);
	j.kv("method", "per op: median over samples of (run(2N) - run(N)) / N, minus the same for the empty "
		       "body; 95% CI of the median from binomial order statistics");
	j.kv("evict_method", info.evict_method).kv("latency_method", info.latency_method);
	j.kv("contention", info.contention);
	if (!info.calibration.empty())
		j.kv("calibration", info.calibration);
	if (info.cal.add_tpc > 0) {
		/* both references, so a reader can judge the factor (METHOD.md) */
		const kcb_calibration &k = info.cal;
		j.key("calibration_refs").begin_object();
		j.kv("add_source", "dependent register-register add chain, 1 cycle per link");
		j.kv_num("add_ticks_per_cycle", k.add_tpc);
		j.kv("mul_source", "dependent multiply chain, " + std::to_string(KCB_MUL_LATENCY) + " cycles per link");
		j.kv_num("mul_ticks_per_cycle", k.mul_tpc);
		j.kv_num("disagreement", k.disagreement()).kv_num("tolerance", KCB_CALIB_TOLERANCE);
		j.kv_int("rounds", info.cal_rounds);
		j.kv_num("rounds_disagreement_median", info.cal_round_disagree_med);
		j.kv_num("rounds_disagreement_max", info.cal_round_disagree_max);
		j.key("agree").boolean(info.cal_refused.empty());
		j.kv_str_or_null("refused", info.cal_refused);
		if (k.test_scale > 0)
			j.kv_num("test_add_scale", k.test_scale);
		j.end_object();
	}
	if (!info.known.unit.empty()) {
		const kcb_known_answer &ka = info.known;
		j.key("known_answer").begin_object();
		j.kv("what", "L1 load-to-use latency: pointer chase p = *p (the pointer variant's load form), "
			     "timed with the calibration before every group round");
		j.kv("unit", ka.unit);
		j.kv_num("l1_median", ka.l1.median).kv_num("l1_ci95_lo", ka.l1.ci95_lo);
		j.kv_num("l1_ci95_hi", ka.l1.ci95_hi).kv_num("l1_ticks", ka.l1_ticks);
		j.kv_int("rounds", (long long)ka.l1.samples);
		j.kv_num("tolerance", ka.tolerance).key("stable").boolean(ka.stable);
		j.key("checks").begin_array();
		for (const kcb_known_answer_check &c : ka.checks) {
			j.begin_object();
			j.kv("model", c.model).kv("scenario", "latency").kv("variant", c.variant);
			j.kv("baseline", "static").kv_num("delta", c.delta).kv_num("diff", c.diff);
			j.key("ok").boolean(ka.stable && c.ok);
			j.end_object();
		}
		j.end_array();
		j.end_object();
	}
	j.key("warnings").begin_array();
	for (const std::string &w : info.warnings)
		j.str(w);
	j.end_array();
	j.kv("layouts", info.layouts);
	j.kv_num("seconds", info.seconds);
	j.kv("date", ctx.date).kv("git_rev", ctx.git_rev).kv("command", ctx.command);
	j.end_object();

	j.key("records").begin_array();
	for (const kcb_record &r : records) {
		const kcb_plan_item &it = *r.item;
		j.begin_object();
		j.kv("model", it.model).kv("scenario", it.scenario).kv("variant", it.variant);
		j.kv("note", it.note).kv("symbol", it.symbol);
		if (*it.bound)
			j.kv("bound", it.bound);
		j.kv_int("ops_per_iter", 1).kv_int("n", (long long)r.m.n);
		j.kv_int("samples_taken", (long long)r.m.taken).kv_int("samples_used", (long long)r.m.used);
		j.kv("primary", kcb_primary(r.m).unit);
		j.key("metrics").begin_object();
		for (const kcb_metric &m : r.m.metrics) {
			j.key(m.unit).begin_object();
			j.kv("source", m.source).key("samples").num_array(m.values);
			j.kv_num("min", m.s.min).kv_num("median", m.s.median);
			j.kv_num("ci95_lo", m.s.ci95_lo).kv_num("ci95_hi", m.s.ci95_hi);
			j.kv_num("overhead", m.overhead);
			j.kv_int("rounds", (long long)m.round_medians.size());
			j.key("round_medians").num_array(m.round_medians);
			j.key("round_modes").begin_array();
			for (const kcb_mode &md : m.modes) {
				j.begin_object();
				j.kv_num("value", md.value).kv_int("rounds", (long long)md.rounds);
				j.end_object();
			}
			j.end_array();
			j.end_object();
		}
		j.end_object();
		j.end_object();
	}
	j.end_array();
	j.key("deltas").begin_array();
	for (const kcb_delta &d : deltas) {
		j.begin_object();
		j.kv("model", d.model).kv("scenario", d.scenario).kv("variant", d.variant);
		j.kv("baseline", d.baseline).kv_int("pairs", (long long)d.pairs);
		j.key("metrics").begin_object();
		for (const auto &u : d.units) {
			j.key(u.first).begin_object();
			j.kv_num("min", u.second.min).kv_num("median", u.second.median);
			j.kv_num("ci95_lo", u.second.ci95_lo).kv_num("ci95_hi", u.second.ci95_hi);
			j.end_object();
		}
		j.end_object();
		j.end_object();
	}
	j.end_array();
	j.end_object();
	return j.text();
}

void kcb_print_table(FILE *f, const std::vector<kcb_record> &records)
{
	fprintf(f, "%-9s %-14s %-19s %10s %21s  %s\n", "model", "scenario", "variant", "median", "95% CI",
		"unit (per op; other units)");
	for (const kcb_record &r : records) {
		const kcb_plan_item &it = *r.item;
		const kcb_metric &p = kcb_primary(r.m);
		char ci[48];
		snprintf(ci, sizeof(ci), "[%.2f, %.2f]", p.s.ci95_lo, p.s.ci95_hi);
		fprintf(f, "%-9s %-14s %-19s %10.2f %21s  %s", it.model.c_str(), it.scenario.c_str(),
			it.variant.c_str(), p.s.median, ci, p.unit.c_str());
		for (const kcb_metric &m : r.m.metrics)
			if (&m != &p)
				fprintf(f, "; %.2f %s", m.s.median, m.unit.c_str());
		fputc('\n', f);
	}
}

std::string kcb_modes_text(const kcb_metric &m)
{
	std::string t;
	const size_t rounds = m.round_medians.size();
	for (const kcb_mode &md : m.modes) {
		if (!kcb_mode_is_major(md, rounds))
			continue;
		char buf[64];
		snprintf(buf, sizeof(buf), "%s%.2f (%zu of %zu rounds)", t.empty() ? "" : " | ", md.value, md.rounds,
			 rounds);
		t += buf;
	}
	return t;
}

void kcb_print_modes(FILE *f, const std::vector<kcb_record> &records, bool emulated)
{
	if (emulated) /* emulated time has no core state to settle in */
		return;
	bool head = false;
	for (const kcb_record &r : records) {
		const kcb_metric &p = kcb_primary(r.m);
		if (kcb_nr_major_modes(p.modes, p.round_medians.size()) < 2)
			continue;
		if (!head)
			fprintf(f, "\nrounds in more than one mode (the machine held a different state from round "
				   "to round, not sampling noise; the median moves with their shares between runs, "
				   "see bench/METHOD.md):\n");
		head = true;
		const kcb_plan_item &it = *r.item;
		fprintf(f, "%-9s %-14s %-19s %s %s\n", it.model.c_str(), it.scenario.c_str(), it.variant.c_str(),
			kcb_modes_text(p).c_str(), p.unit.c_str());
	}
}

void kcb_print_deltas(FILE *f, const std::vector<kcb_delta> &deltas)
{
	if (deltas.empty())
		return;
	fprintf(f, "\npaired: median over samples taken back to back of (variant - baseline), 95%% CI\n");
	for (const kcb_delta &d : deltas) {
		std::string name = d.variant + " - " + d.baseline;
		fprintf(f, "%-9s %-14s %-26s", d.model.c_str(), d.scenario.c_str(), name.c_str());
		const char *sep = "";
		for (const auto &u : d.units) {
			fprintf(f, "%s%.2f [%.2f, %.2f] %s", sep, u.second.median, u.second.ci95_lo, u.second.ci95_hi,
				u.first.c_str());
			sep = "; ";
		}
		fputc('\n', f);
	}
}
