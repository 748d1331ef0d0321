// SPDX-License-Identifier: GPL-2.0
#include "context.h"

#include <errno.h>
#include <stdio.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/personality.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#ifndef KCB_QEMU_VERSION
#define KCB_QEMU_VERSION ""
#endif

namespace {

std::string cpuinfo_field(const char *const *keys)
{
	std::ifstream f("/proc/cpuinfo");
	std::string line;
	while (std::getline(f, line)) {
		size_t colon = line.find(':');
		if (colon == std::string::npos)
			continue;
		std::string k = line.substr(0, colon);
		k.erase(k.find_last_not_of(" \t") + 1);
		for (const char *const *p = keys; *p; p++) {
			if (k == *p) {
				std::string v = line.substr(colon + 1);
				v.erase(0, v.find_first_not_of(" \t"));
				return v;
			}
		}
	}
	return "";
}

/* the ISA family /proc/cpuinfo describes ("" when it does not say) */
std::string cpuinfo_isa()
{
	std::ifstream f("/proc/cpuinfo");
	std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	if (s.find("vendor_id") != std::string::npos)
		return "x86";
	if (s.find("CPU implementer") != std::string::npos)
		return "arm";
	if (s.find("isa\t") != std::string::npos || s.find("isa :") != std::string::npos ||
	    s.find("mmu\t\t: sv") != std::string::npos)
		return "riscv";
	if (s.find("vendor_id       : IBM/S390") != std::string::npos)
		return "s390";
	if (s.find("PowerNV") != std::string::npos || s.find("pSeries") != std::string::npos)
		return "ppc";
	if (s.find("cpu model\t\t: MIPS") != std::string::npos || s.find("isa\t\t\t: mips") != std::string::npos)
		return "mips";
	return "";
}

const char *build_isa()
{
#if defined(__x86_64__) || defined(__i386__)
	return "x86";
#elif defined(__aarch64__) || defined(__arm__)
	return "arm";
#elif defined(__riscv)
	return "riscv";
#elif defined(__s390x__)
	return "s390";
#elif defined(__powerpc64__)
	return "ppc";
#elif defined(__mips__)
	return "mips";
#else
	return "";
#endif
}

std::string read_line(const std::string &path)
{
	std::ifstream f(path);
	std::string s;
	std::getline(f, s);
	return s;
}

std::string qemu_cpu_from_emulator()
{
	std::string e = KCB_EMULATOR;
	size_t p = e.find("-cpu ");
	if (p == std::string::npos)
		return "default";
	std::string v = e.substr(p + 5);
	return v.substr(0, v.find(' '));
}

} // namespace

bool kcb_detect_emulation(std::string *why)
{
	const char *force = getenv("KCB_EXECUTION");
	if (force && (!strcmp(force, "qemu") || !strcmp(force, "native"))) {
		*why = std::string("KCB_EXECUTION=") + force;
		return !strcmp(force, "qemu");
	}
	/* 1. qemu-user passes the host's /proc/cpuinfo through: another ISA
	 *    there than the one this binary is built for means emulation */
	std::string isa = cpuinfo_isa();
	if (!isa.empty() && isa != build_isa()) {
		*why = "/proc/cpuinfo describes a " + isa + " host, binary is " + build_isa();
		return true;
	}
	/* 2. qemu-user does not implement perf_event_open (ENOSYS), while a
	 *    kernel with perf_event_paranoid has it: catches same-ISA emulation
	 *    (i686 on an x86-64 host) */
	if (access("/proc/sys/kernel/perf_event_paranoid", R_OK) == 0) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_TASK_CLOCK;
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
		if (fd >= 0) {
			close((int)fd);
		} else if (errno == ENOSYS) {
			*why = "perf_event_open returns ENOSYS although the kernel has perf events";
			return true;
		}
	}
	*why = "native: /proc/cpuinfo matches the build ISA and perf_event_open is implemented";
	return false;
}

void kcb_context_fill(kcb_context *ctx)
{
	char h[256] = "";
	gethostname(h, sizeof(h) - 1);
	ctx->host = h;
	static const char *const model_keys[] = {"model name", "cpu model", "uarch", "cpu", "Processor",
						 "machine", nullptr};
	ctx->cpu_model = cpuinfo_field(model_keys);
	if (ctx->cpu_model.empty())
		ctx->cpu_model = "unknown (/proc/cpuinfo names no model)";
	ctx->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct utsname u;
	if (uname(&u) == 0)
		ctx->kernel = std::string(u.sysname) + " " + u.release;
	ctx->arch = KCB_ARCH_NAME;
	ctx->triple = KCB_TRIPLE;
#if defined(__clang__)
	ctx->compiler = std::string("clang ") + __clang_version__;
#else
	ctx->compiler = std::string("gcc ") + __VERSION__;
#endif
	ctx->flags = KCB_BUILD_FLAGS;
	ctx->emulated = kcb_detect_emulation(&ctx->execution_why);
	if (ctx->emulated) {
		ctx->qemu_version = KCB_QEMU_VERSION[0] ? KCB_QEMU_VERSION : "unknown (not recorded at build time)";
		ctx->qemu_cpu = qemu_cpu_from_emulator();
	}
	time_t now = time(nullptr);
	char buf[64];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	ctx->date = buf;
	ctx->git_rev = KCB_GIT_REV;
	ctx->governor = read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
}

void kcb_reexec_without_aslr(char **argv, bool emulated, std::string *note)
{
	int cur = personality(0xffffffff);
	if (cur != -1 && (cur & ADDR_NO_RANDOMIZE)) {
		*note = "off (personality ADDR_NO_RANDOMIZE)";
		return;
	}
	if (emulated) { /* qemu-user cannot exec a foreign binary by itself */
		*note = "on (not re-executed under emulation)";
		return;
	}
	if (cur == -1 || personality((unsigned long)cur | ADDR_NO_RANDOMIZE) == -1) {
		*note = std::string("on (personality: ") + strerror(errno) + ")";
		return;
	}
	execv("/proc/self/exe", argv);
	*note = std::string("on (re-exec failed: ") + strerror(errno) + ")";
	personality((unsigned long)cur);
}

void kcb_pin(int cpu, kcb_context *ctx)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (cpu < 0) {
		if (sched_getaffinity(0, sizeof(set), &set) != 0) {
			ctx->pin_note = std::string("not pinned: sched_getaffinity: ") + strerror(errno);
			return;
		}
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				cpu = i;
		CPU_ZERO(&set);
	}
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		ctx->pin_note = "not pinned: sched_setaffinity(cpu " + std::to_string(cpu) + "): " + strerror(errno);
		return;
	}
	ctx->pinned_cpu = cpu;
	ctx->pin_note = "pinned to cpu " + std::to_string(cpu);
	std::string g = read_line("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/scaling_governor");
	if (!g.empty())
		ctx->governor = g;
}

std::string kcb_hugepage_note(uintptr_t start, size_t len)
{
	std::string thp = read_line("/sys/kernel/mm/transparent_hugepage/enabled");
	long huge_kb = kcb_anon_huge_kb(start, len);
	if (huge_kb < 0)
		return "unknown: /proc/self/smaps unreadable (THP: " + (thp.empty() ? "?" : thp) + ")";
	if (!huge_kb)
		return "4 KiB pages: no THP backs the slab arena (THP " +
		       (thp.empty() ? std::string("unavailable") : thp) + ")";
	return "slab arena on 2 MiB THP pages (" + std::to_string(huge_kb) + " kB AnonHugePages)";
}

std::string kcb_thp_mode(void)
{
	std::string en = read_line("/sys/kernel/mm/transparent_hugepage/enabled");
	std::string df = read_line("/sys/kernel/mm/transparent_hugepage/defrag");
	return "THP enabled " + (en.empty() ? std::string("unavailable") : en) + ", defrag " +
	       (df.empty() ? std::string("?") : df);
}

long kcb_anon_huge_kb(uintptr_t start, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[256];
	bool in = false;
	unsigned long kb;
	long huge_kb = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = lo >= start && hi <= start + len;
		else if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			huge_kb += (long)kb;
	}
	fclose(f);
	return huge_kb;
}
