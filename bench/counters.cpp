// SPDX-License-Identifier: GPL-2.0
#include "counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cpu.h"
#include "exit_codes.h"

#ifdef KCB_HAVE_LIBPFM
#include <perfmon/pfmlib_perf_event.h>
#endif

namespace {

struct generic_event {
	const char *name;
	uint32_t type;
	uint64_t config;
};

#define HWC(id, op, res) \
	(PERF_COUNT_HW_CACHE_##id | (PERF_COUNT_HW_CACHE_OP_##op << 8) | (PERF_COUNT_HW_CACHE_RESULT_##res << 16))

/* perf(1)'s generic names: work on every arch the kernel has a PMU driver for */
const generic_event generic_events[] = {
	{"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
	{"cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
	{"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
	{"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
	{"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
	{"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
	{"branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
	{"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
	{"bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES},
	{"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES},
	{"stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND},
	{"stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
	{"L1-dcache-loads", PERF_TYPE_HW_CACHE, HWC(L1D, READ, ACCESS)},
	{"L1-dcache-load-misses", PERF_TYPE_HW_CACHE, HWC(L1D, READ, MISS)},
	{"L1-dcache-stores", PERF_TYPE_HW_CACHE, HWC(L1D, WRITE, ACCESS)},
	{"L1-icache-loads", PERF_TYPE_HW_CACHE, HWC(L1I, READ, ACCESS)},
	{"L1-icache-load-misses", PERF_TYPE_HW_CACHE, HWC(L1I, READ, MISS)},
	{"LLC-loads", PERF_TYPE_HW_CACHE, HWC(LL, READ, ACCESS)},
	{"LLC-load-misses", PERF_TYPE_HW_CACHE, HWC(LL, READ, MISS)},
	{"dTLB-loads", PERF_TYPE_HW_CACHE, HWC(DTLB, READ, ACCESS)},
	{"dTLB-load-misses", PERF_TYPE_HW_CACHE, HWC(DTLB, READ, MISS)},
	{"iTLB-load-misses", PERF_TYPE_HW_CACHE, HWC(ITLB, READ, MISS)},
	{"branch-loads", PERF_TYPE_HW_CACHE, HWC(BPU, READ, ACCESS)},
	{"branch-load-misses", PERF_TYPE_HW_CACHE, HWC(BPU, READ, MISS)},
	/* software events: the kernel counts them without a PMU, so the
	 * perf_event path runs (and is tested) on a VM too */
	{"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
	{"cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK},
	{"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
	{"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
};

int perf_open(struct perf_event_attr *attr, int group)
{
	attr->size = sizeof(*attr);
	attr->exclude_kernel = 1; /* user-only: allowed up to perf_event_paranoid 2 */
	attr->exclude_hv = 1;
	attr->disabled = 0;
	if (group < 0)
		attr->read_format = PERF_FORMAT_GROUP;
	return (int)syscall(SYS_perf_event_open, attr, 0, -1, group, 0);
}

std::string paranoid_level()
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v;
	if (!f)
		return "?";
	bool ok = fscanf(f, "%d", &v) == 1;
	fclose(f);
	return ok ? std::to_string(v) : "?";
}

/* errno of perf_event_open, in words that say what to do about it */
std::string perf_reason(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return "refused by the kernel (perf_event_paranoid=" + paranoid_level() + ")";
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		return "not supported here (no hardware PMU exposed, e.g. a VM)";
	case ENOSYS:
		return "perf_event_open not implemented (user-mode emulator?)";
	case EINVAL:
		return "invalid event encoding for this PMU";
	default:
		return strerror(err);
	}
}

uint64_t now_ns()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

} // namespace

bool kcb_event_decode(const std::string &name, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	for (const generic_event &e : generic_events) {
		if (name == e.name) {
			attr->type = e.type;
			attr->config = e.config;
			return true;
		}
	}
	/* rNNNN: a raw PMU encoding, as perf(1) accepts */
	if (name.size() > 1 && name[0] == 'r' &&
	    name.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos) {
		attr->type = PERF_TYPE_RAW;
		attr->config = strtoull(name.c_str() + 1, nullptr, 16);
		return true;
	}
#ifdef KCB_HAVE_LIBPFM
	static bool pfm_ok = pfm_initialize() == PFM_SUCCESS;
	if (pfm_ok) {
		pfm_perf_encode_arg_t arg;
		memset(&arg, 0, sizeof(arg));
		arg.attr = attr;
		arg.size = sizeof(arg);
		char *fstr = nullptr;
		arg.fstr = &fstr;
		int rc = pfm_get_os_event_encoding(name.c_str(), PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
		free(fstr);
		if (rc == PFM_SUCCESS)
			return true;
	}
#endif
	return false;
}

kcb_counters::~kcb_counters()
{
	for (int fd : fds_)
		close(fd);
}

int kcb_counters::setup(const std::vector<std::string> &events, bool emulated, std::string *err)
{
	emulated_ = emulated;
	/* decode every asked-for name first: an unknown name is a usage error
	 * whether or not this machine could count it */
	std::vector<struct perf_event_attr> extra(events.size());
	for (size_t i = 0; i < events.size(); i++) {
		if (!kcb_event_decode(events[i], &extra[i])) {
			*err = "unknown event '" + events[i] + "'" +
#ifdef KCB_HAVE_LIBPFM
			       " (not a perf generic name, rNNNN, or a libpfm4 event)";
#else
			       " (not a perf generic name or rNNNN; built without libpfm4)";
#endif
			return KCB_EXIT_UNKNOWN_EVENT;
		}
	}

	/* the PMU group: cycles leads; without it there is no PMU to speak of */
	struct perf_event_attr a;
	kcb_event_decode("cycles", &a);
	leader_ = perf_open(&a, -1);
	if (leader_ < 0) {
		int e = errno;
		pmu_status_ = "unavailable: perf_event_open(cycles): " + perf_reason(e);
		/* software events need no PMU: they form a group of their own */
		bool software = !events.empty();
		for (const struct perf_event_attr &x : extra)
			software &= x.type == PERF_TYPE_SOFTWARE;
		if (!events.empty() && !software) {
			*err = "perf_event_open refused the requested events: " + perf_reason(e);
			return KCB_EXIT_PERF_REFUSED;
		}
		for (size_t i = 0; i < events.size(); i++) {
			bool dup = false;
			for (const kcb_channel &c : ch_)
				dup |= c.unit == events[i];
			if (dup)
				continue;
			int fd = perf_open(&extra[i], leader_);
			if (fd < 0) {
				*err = "event '" + events[i] + "': perf_event_open: " + perf_reason(errno);
				return KCB_EXIT_PERF_REFUSED;
			}
			if (leader_ < 0)
				leader_ = fd;
			fds_.push_back(fd);
			ch_.push_back({events[i], "perf_event_open, software event (user)", false, false});
		}
	} else {
		pmu_status_ = "available";
		have_cycles_ = true;
		fds_.push_back(leader_);
		ch_.push_back({"pmu-cycles", "perf_event_open PERF_COUNT_HW_CPU_CYCLES (user)", false, false});
		const char *deflt[] = {"instructions", "L1-dcache-load-misses"};
		for (const char *name : deflt) {
			kcb_event_decode(name, &a);
			int fd = perf_open(&a, leader_);
			if (fd < 0) {
				notes_ += std::string(notes_.empty() ? "" : "; ") + name + ": " + perf_reason(errno);
				continue;
			}
			fds_.push_back(fd);
			ch_.push_back({name, std::string("perf_event_open ") + name + " (user)", false, false});
		}
		for (size_t i = 0; i < events.size(); i++) {
			bool dup = false;
			for (const kcb_channel &c : ch_)
				dup |= c.unit == events[i] || (events[i] == "cycles" && c.unit == "pmu-cycles") ||
				       (events[i] == "cpu-cycles" && c.unit == "pmu-cycles");
			if (dup)
				continue;
			if (fds_.size() >= KCB_MAX_CHANNELS - 2) {
				*err = "too many events (at most " + std::to_string(KCB_MAX_CHANNELS - 2) + ")";
				return KCB_EXIT_USAGE;
			}
			int fd = perf_open(&extra[i], leader_);
			if (fd < 0) {
				*err = "event '" + events[i] + "': perf_event_open: " + perf_reason(errno);
				return KCB_EXIT_PERF_REFUSED;
			}
			fds_.push_back(fd);
#ifdef KCB_HAVE_LIBPFM
			const char *how = "perf_event_open, decoded by libpfm4 or generic table (user)";
#else
			const char *how = "perf_event_open, generic perf event (user)";
#endif
			ch_.push_back({events[i], how, false, false});
		}
	}
	nperf_ = ch_.size();

	/* an arch whose only counter is clock_gettime says "ns": no duplicate */
	if (!emulated && std::string(KCB_TICKS_UNIT) != "ns") {
		ticks_idx_ = (int)ch_.size();
		ch_.push_back({KCB_TICKS_UNIT, KCB_TICKS_DESC, true, false});
	}
	ns_idx_ = (int)ch_.size();
	ch_.push_back({emulated ? "emulated-ns" : "ns",
		       emulated ? "clock_gettime(CLOCK_MONOTONIC_RAW) under QEMU: emulated, not cycles"
				: "clock_gettime(CLOCK_MONOTONIC_RAW)",
		       false, true});
	return KCB_EXIT_OK;
}

void kcb_counters::read(uint64_t *out) const
{
	size_t i = 0;
	if (nperf_) {
		uint64_t buf[1 + KCB_MAX_CHANNELS];
		ssize_t want = (ssize_t)((1 + nperf_) * sizeof(uint64_t));
		if (::read(leader_, buf, sizeof(buf)) >= want) {
			for (; i < nperf_; i++)
				out[i] = buf[1 + i];
		} else {
			read_failed_ = true; /* never a silent zero: the harness fails the run */
			for (; i < nperf_; i++)
				out[i] = 0;
		}
	}
	if (ticks_idx_ >= 0)
		out[i++] = kcb_ticks();
	out[i] = now_ns();
}
