// SPDX-License-Identifier: GPL-2.0
#include "harness.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <stdlib.h>

#include <unistd.h>

#include "cpu.h"

namespace {

/* counter deltas of one run of n ops */
void run_once(const kcb_counters &c, struct kcb_work *w, uint64_t n, double *d)
{
	uint64_t a[KCB_MAX_CHANNELS], b[KCB_MAX_CHANNELS];
	c.read(a);
	kcb_work_run(w, n);
	c.read(b);
	for (size_t i = 0; i < c.size(); i++)
		d[i] = (double)(int64_t)(b[i] - a[i]);
}

/* per-op (2N - N) / N for every channel; the order alternates so a slow
 * first run never biases the delta one way */
void sample(const kcb_counters &c, struct kcb_work *w, uint64_t n, bool flip, double *per_op)
{
	double d1[KCB_MAX_CHANNELS], d2[KCB_MAX_CHANNELS];
	if (flip) {
		run_once(c, w, 2 * n, d2);
		run_once(c, w, n, d1);
	} else {
		run_once(c, w, n, d1);
		run_once(c, w, 2 * n, d2);
	}
	for (size_t i = 0; i < c.size(); i++)
		per_op[i] = (d2[i] - d1[i]) / (double)n;
}

double median_of(std::vector<double> v)
{
	return kcb_summarize(v).median;
}

} // namespace


/* warm up, then (first round only) choose N for one record */
static void prepare(const kcb_counters &c, const kcb_harness_cfg &cfg, struct kcb_work *body,
		    struct kcb_work *empty, kcb_sampler *s)
{
	const size_t nch = c.size();
	const int ns = c.ns_index();
	double d[KCB_MAX_CHANNELS];

	/* warm-up first: caches, predictors, allocator state, clock frequency;
	 * on a record's first round, N = 16 stands in until N is chosen */
	uint64_t warm_n = s->n ? s->n : 16;
	double spent = 0;
	while (spent < cfg.warmup_ns) {
		run_once(c, body, warm_n, d);
		spent += d[ns];
		run_once(c, empty, warm_n, d);
		spent += d[ns];
	}
	if (s->n)
		return;
	/* N: double until one run of the body lasts target_ns, so the timer's
	 * granularity and read cost are a small part of a run (they cancel in
	 * 2N - N only on average).  Each N is judged by the fastest of 3 runs:
	 * one interrupt or cold start must not leave a record with a tiny N
	 * and a coarse per-op grid. */
	uint64_t n = 16;
	for (;;) {
		double best = 0;
		for (int t = 0; t < 3; t++) {
			run_once(c, body, n, d);
			if (t == 0 || d[ns] < best)
				best = d[ns];
		}
		if (best >= cfg.target_ns || n >= cfg.max_n)
			break;
		n *= 2;
	}
	s->n = n;
	s->body.assign(nch, {});
	s->empty.assign(nch, {});
}

void kcb_sample_group_round(const kcb_counters &c, const std::vector<struct kcb_work *> &bodies,
			    const std::vector<struct kcb_work *> &empties, const kcb_harness_cfg &cfg,
			    unsigned int samples, double ticks_per_cycle, const std::vector<kcb_sampler *> &ss)
{
	const size_t nch = c.size();
	double d[KCB_MAX_CHANNELS];

	for (size_t r = 0; r < bodies.size(); r++) {
		prepare(c, cfg, bodies[r], empties[r], ss[r]);
		ss[r]->paired_empty = bodies[r]->kind == KCB_LOOP_COLD;
	}
	/* sample k of every record back to back: records of one group see the
	 * same moment of the machine, so their k-th samples pair (kcb_deltas) */
	for (unsigned int k = 0; k < samples; k++) {
		bool flip = k & 1;
		for (size_t r = 0; r < bodies.size(); r++) {
			kcb_sampler *s = ss[r];
			double p0 = kcb_quiet_wait();
			sample(c, bodies[r], s->n, flip, d);
			for (size_t i = 0; i < nch; i++)
				s->body[i].push_back(d[i]);
			sample(c, empties[r], s->n, flip, d);
			for (size_t i = 0; i < nch; i++)
				s->empty[i].push_back(d[i]);
			double p1 = kcb_quiet_probe();
			s->probe.push_back(std::max(p0, p1));
			s->tpc.push_back(ticks_per_cycle);
			s->round.push_back(s->rounds);
		}
	}
	for (kcb_sampler *s : ss)
		s->rounds++;
}

void kcb_sample_round(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		      const kcb_harness_cfg &cfg, unsigned int samples, double ticks_per_cycle, kcb_sampler *s)
{
	kcb_sample_group_round(c, {body}, {empty}, cfg, samples, ticks_per_cycle, {s});
}

static double probe_best;          /* fastest probe so far, ticks */
static bool quiet_on;              /* kcb_quiet_start() was called */
static double wait_budget_ms, waited_ms;

double kcb_quiet_probe(void)
{
	double p = (double)kcb_contention_probe();
	if (p > 0 && (probe_best == 0 || p < probe_best))
		probe_best = p;
	return p;
}

double kcb_quiet_limit(void)
{
	return probe_best * KCB_QUIET_SLACK;
}

double kcb_quiet_waited_ms(void)
{
	return waited_ms;
}

static double ms_since(std::chrono::steady_clock::time_point t0)
{
	return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void kcb_quiet_start(double prime_ms, double budget_ms)
{
	quiet_on = true;
	wait_budget_ms = budget_ms;
	auto t0 = std::chrono::steady_clock::now();
	while (ms_since(t0) < prime_ms) {
		kcb_quiet_probe();
		usleep(500);
	}
}

double kcb_quiet_wait(void)
{
	double p = kcb_quiet_probe();
	if (!quiet_on)
		return p;
	for (int tries = 0; tries < 25 && p > kcb_quiet_limit() && waited_ms < wait_budget_ms; tries++) {
		auto t0 = std::chrono::steady_clock::now();
		usleep(200);
		p = kcb_quiet_probe();
		waited_ms += ms_since(t0);
	}
	return p;
}

/* v restricted to the samples marked in keep */
template <class T> static std::vector<T> kept(const std::vector<T> &v, const std::vector<unsigned char> &keep)
{
	std::vector<T> r;
	for (size_t k = 0; k < v.size() && k < keep.size(); k++)
		if (keep[k])
			r.push_back(v[k]);
	return r;
}

/* body - empty: each sample's own twin (paired), else the median of the
 * empties of the sample's round */
static std::vector<double> minus_empty(std::vector<double> body, const std::vector<double> &empty,
				       const std::vector<unsigned int> &round, bool paired)
{
	if (paired) {
		for (size_t k = 0; k < body.size() && k < empty.size(); k++)
			body[k] -= empty[k];
		return body;
	}
	std::map<unsigned int, std::vector<double>> by_round;
	for (size_t k = 0; k < empty.size() && k < round.size(); k++)
		by_round[round[k]].push_back(empty[k]);
	std::map<unsigned int, double> ovh;
	for (auto &r : by_round)
		ovh[r.first] = median_of(r.second);
	for (size_t k = 0; k < body.size() && k < round.size(); k++)
		body[k] -= ovh[round[k]];
	return body;
}

/* per-op samples v (sampling order) grouped by their round: each round's
 * median, in round order */
static std::vector<double> round_medians(const std::vector<double> &v, const std::vector<unsigned int> &round)
{
	std::map<unsigned int, std::vector<double>> by_round;
	for (size_t k = 0; k < v.size() && k < round.size(); k++)
		by_round[round[k]].push_back(v[k]);
	std::vector<double> med;
	for (auto &r : by_round)
		med.push_back(median_of(r.second));
	return med;
}

/* m.s, m.values, m.round_medians and m.modes from the per-op samples v in
 * sampling order */
static void summarize_metric(std::vector<double> v, const std::vector<unsigned int> &rounds, kcb_metric *m)
{
	m->round_medians = round_medians(v, rounds);
	m->modes = kcb_round_modes(m->round_medians);
	m->s = kcb_summarize(v);
	m->values = v;
}

bool kcb_sample_finish(const kcb_counters &c, const kcb_sampler &s, double ticks_per_cycle,
		       double quiet_limit, kcb_measurement *out, std::string *err)
{
	if (c.read_failed()) {
		*err = "reading the perf_event counters failed during the run";
		return false;
	}
	out->n = s.n;
	out->metrics.clear();
	const size_t taken = s.probe.size();
	out->quiet.assign(taken, 1);
	size_t nq = taken;
	if (quiet_limit > 0) {
		nq = 0;
		for (size_t k = 0; k < taken; k++)
			nq += out->quiet[k] = s.probe[k] <= quiet_limit;
		if (nq < std::max<size_t>(7, taken / 10)) { /* too few: keep all */
			out->quiet.assign(taken, 1);
			nq = taken;
		}
	}
	out->taken = taken;
	out->used = nq;
	const std::vector<unsigned int> rounds = kept(s.round, out->quiet);
	for (size_t i = 0; i < c.size(); i++) {
		const kcb_channel &ch = c.channel(i);
		double ovh = median_of(kept(s.empty[i], out->quiet));
		std::vector<double> v =
			minus_empty(kept(s.body[i], out->quiet), kept(s.empty[i], out->quiet), rounds, s.paired_empty);
		kcb_metric m;
		m.unit = ch.unit;
		m.source = ch.source + (s.paired_empty ? ", N vs 2N minus the empty body of the same sample"
						       : ", N vs 2N minus the empty body (its round's median)");
		m.overhead = ovh;
		m.ordered = s.body[i];
		summarize_metric(v, rounds, &m);
		out->metrics.push_back(m);
		if (ch.is_ticks && ticks_per_cycle > 0) {
			/* each sample by the ratio measured just before its round
			 * (the core's clock drifts by several % on a shared host) */
			std::vector<double> bc = s.body[i], ec = s.empty[i];
			for (size_t k = 0; k < bc.size(); k++) {
				double r = k < s.tpc.size() && s.tpc[k] > 0 ? s.tpc[k] : ticks_per_cycle;
				bc[k] /= r;
				ec[k] /= r;
			}
			double covh = median_of(kept(ec, out->quiet));
			v = minus_empty(kept(bc, out->quiet), kept(ec, out->quiet), rounds, s.paired_empty);
			kcb_metric cm;
			cm.unit = "calibrated-cycles";
			cm.source = ch.unit + " / ticks_per_cycle (dependent-add calibration before each round)";
			cm.overhead = covh;
			cm.ordered = bc;
			summarize_metric(v, rounds, &cm);
			out->metrics.push_back(cm);
		}
	}
	return true;
}

bool kcb_measure(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		 const kcb_harness_cfg &cfg, double ticks_per_cycle, kcb_measurement *out,
		 std::string *err)
{
	kcb_sampler s;
	kcb_sample_round(c, body, empty, cfg, cfg.samples, ticks_per_cycle, &s);
	return kcb_sample_finish(c, s, ticks_per_cycle, kcb_quiet_limit(), out, err);
}

/* ticks per link of chain(n) (N vs 2N), median of tries */
template <class F> static double ticks_per_link(const kcb_counters &c, unsigned int tries, uint64_t n, F chain)
{
	const int t = c.ticks_index();
	uint64_t a[KCB_MAX_CHANNELS], b[KCB_MAX_CHANNELS];
	std::vector<double> r;
	for (unsigned int i = 0; i < tries; i++) {
		c.read(a);
		chain(n);
		c.read(b);
		double t1 = (double)(int64_t)(b[t] - a[t]);
		c.read(a);
		chain(2 * n);
		c.read(b);
		double t2 = (double)(int64_t)(b[t] - a[t]);
		r.push_back((t2 - t1) / (double)(n * KCB_REF_CHAIN_LEN));
	}
	return median_of(r);
}

/* the chase's one line: points to itself */
alignas(64) static uintptr_t chase_line[8];

kcb_calibration kcb_calibrate(const kcb_counters &c, unsigned int tries, bool warm_up)
{
	kcb_calibration cal;
	if (c.ticks_index() < 0)
		return cal;
	/* 64k links per add run (~20 us at 3 GHz): long runs catch interrupts
	 * and steal time, which N vs 2N does not cancel; short ones agree to
	 * 0.1%.  The slower chains get fewer links for the same time. */
	const uint64_t n = 2000;
	volatile uint64_t sink = 0;
	uint64_t y = 1; /* the chains' other operand: add 1, multiply by 1 */
	__asm__ volatile("" : "+r"(y));
	chase_line[0] = (uintptr_t)&chase_line[0];
	if (warm_up)
		sink = kcb_ref_add_chain(1000 * n, sink, y); /* ~20 ms, lets the clock ramp */
	cal.add_tpc = ticks_per_link(c, tries, n, [&](uint64_t k) { sink = kcb_ref_add_chain(k, sink, y); });
	cal.mul_tpc = ticks_per_link(c, tries, n / KCB_MUL_LATENCY,
				     [&](uint64_t k) { sink = kcb_ref_mul_chain(k, sink | 1, y); }) /
		      KCB_MUL_LATENCY;
	cal.l1_ticks = ticks_per_link(c, tries, n / 4, [&](uint64_t k) {
		sink = kcb_l1_chase(k, (uintptr_t)&chase_line[0]);
	});
	const char *scale = getenv("KCB_TEST_ADD_REF_SCALE");
	if (scale && atof(scale) > 0) {
		cal.test_scale = atof(scale);
		cal.add_tpc *= cal.test_scale;
	}
	return cal;
}
