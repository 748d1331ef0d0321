/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The raw counter channels one measurement reads, best source first:
 *   perf_event_open group (pmu-cycles, instructions, L1-dcache-load-misses,
 *   plus --events names; libpfm4 decodes names on hosts built with it),
 *   then the arch tick counter kcb_ticks() (arch/<arch>/cpu.h), then
 *   clock_gettime ns.  Under emulation only "emulated-ns" is kept: an
 *   emulator's ticks and counters say nothing about a real core.
 */
#ifndef KCB_BENCH_COUNTERS_H
#define KCB_BENCH_COUNTERS_H

#include <stdint.h>
#include <string>
#include <vector>

#define KCB_MAX_CHANNELS 16

struct kcb_channel {
	std::string unit;   /* pmu-cycles, instructions, tsc-ticks, ns, emulated-ns, <event> */
	std::string source; /* what produced it, in words */
	bool is_ticks;      /* the arch tick counter (calibrated-cycles derive from it) */
	bool is_ns;
};

class kcb_counters {
public:
	~kcb_counters();
	/* Open every source.  events: extra perf event names.  Returns a
	 * kcb_exit code; on failure *err holds one line. */
	int setup(const std::vector<std::string> &events, bool emulated, std::string *err);
	size_t size() const { return ch_.size(); }
	const kcb_channel &channel(size_t i) const { return ch_[i]; }
	int ns_index() const { return ns_idx_; }
	int ticks_index() const { return ticks_idx_; }
	bool pmu_cycles() const { return have_cycles_; }
	/* "available" or "unavailable: <why>" */
	const std::string &pmu_status() const { return pmu_status_; }
	/* what was asked for but could not be counted, in words ("" if none) */
	const std::string &notes() const { return notes_; }
	/* All channels, in channel order. */
	void read(uint64_t *out) const;
	/* true once a perf group read came back short */
	bool read_failed() const { return read_failed_; }

private:
	std::vector<kcb_channel> ch_;
	std::vector<int> fds_;
	int leader_ = -1;
	size_t nperf_ = 0;
	int ns_idx_ = -1, ticks_idx_ = -1;
	bool have_cycles_ = false;
	bool emulated_ = false;
	mutable bool read_failed_ = false;
	std::string pmu_status_, notes_;
};

/* Decode an event name (generic perf name, rNNNN raw, or a libpfm4 name);
 * false if unknown.  Exposed for tests. */
struct perf_event_attr;
bool kcb_event_decode(const std::string &name, struct perf_event_attr *attr);

#endif
