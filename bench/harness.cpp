// SPDX-License-Identifier: GPL-2.0
#include "harness.h"

#include <algorithm>

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

void kcb_sample_round(const kcb_counters &c, struct kcb_work *body, struct kcb_work *empty,
		      const kcb_harness_cfg &cfg, unsigned int samples, kcb_sampler *s)
{
	const size_t nch = c.size();
	const int ns = c.ns_index();
	double d[KCB_MAX_CHANNELS];

	if (!s->n) {
		/* N: double until one run of the body lasts target_ns (timer-read
		 * cost then is a small part of each run; it cancels in 2N - N) */
		uint64_t n = 16;
		for (;;) {
			run_once(c, body, n, d);
			if (d[ns] >= cfg.target_ns || n >= cfg.max_n)
				break;
			n *= 2;
		}
		s->n = n;
		s->body.assign(nch, {});
		s->empty.assign(nch, {});
	}
	/* warm-up: caches, predictors, allocator state, clock frequency */
	double spent = 0;
	while (spent < cfg.warmup_ns) {
		run_once(c, body, s->n, d);
		spent += d[ns];
		run_once(c, empty, s->n, d);
		spent += d[ns];
	}
	for (unsigned int k = 0; k < samples; k++) {
		bool flip = k & 1;
		sample(c, body, s->n, flip, d);
		for (size_t i = 0; i < nch; i++)
			s->body[i].push_back(d[i]);
		sample(c, empty, s->n, flip, d);
		for (size_t i = 0; i < nch; i++)
			s->empty[i].push_back(d[i]);
	}
}

bool kcb_sample_finish(const kcb_counters &c, const kcb_sampler &s, double ticks_per_cycle,
		       kcb_measurement *out, std::string *err)
{
	if (c.read_failed()) {
		*err = "reading the perf_event counters failed during the run";
		return false;
	}
	out->n = s.n;
	out->metrics.clear();
	for (size_t i = 0; i < c.size(); i++) {
		const kcb_channel &ch = c.channel(i);
		double ovh = median_of(s.empty[i]);
		std::vector<double> v = s.body[i];
		for (double &x : v)
			x -= ovh;
		kcb_metric m;
		m.unit = ch.unit;
		m.source = ch.source + ", N vs 2N minus empty body";
		m.overhead = ovh;
		m.s = kcb_summarize(v);
		m.values = v;
		out->metrics.push_back(m);
		if (ch.is_ticks && ticks_per_cycle > 0) {
			for (double &x : v)
				x /= ticks_per_cycle;
			kcb_metric cm;
			cm.unit = "calibrated-cycles";
			cm.source = ch.unit + " / ticks_per_cycle (dependent-add calibration)";
			cm.overhead = ovh / ticks_per_cycle;
			cm.s = kcb_summarize(v);
			cm.values = v;
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
	kcb_sample_round(c, body, empty, cfg, cfg.samples, &s);
	return kcb_sample_finish(c, s, ticks_per_cycle, out, err);
}

double kcb_calibrate_ticks_per_cycle(const kcb_counters &c, unsigned int tries)
{
	const int t = c.ticks_index();
	if (t < 0)
		return 0;
	uint64_t a[KCB_MAX_CHANNELS], b[KCB_MAX_CHANNELS];
	/* 64k adds per run (~20 us at 3 GHz): long runs catch interrupts and
	 * steal time, which N vs 2N does not cancel; short ones agree to 0.1% */
	const uint64_t n = 2000;
	volatile uint64_t sink = 0;
	sink = kcb_add_chain(1000 * n, sink); /* warm-up (~20 ms), lets the clock ramp */
	std::vector<double> r;
	for (unsigned int i = 0; i < tries; i++) {
		c.read(a);
		sink = kcb_add_chain(n, sink);
		c.read(b);
		double t1 = (double)(int64_t)(b[t] - a[t]);
		c.read(a);
		sink = kcb_add_chain(2 * n, sink);
		c.read(b);
		double t2 = (double)(int64_t)(b[t] - a[t]);
		r.push_back((t2 - t1) / (double)(n * KCB_ADD_CHAIN_LEN));
	}
	return median_of(r);
}
