/* SPDX-License-Identifier: GPL-2.0 */
/* kcb_bench command line. */
#ifndef KCB_BENCH_CLI_H
#define KCB_BENCH_CLI_H

#include <string>
#include <vector>

struct kcb_options {
	bool quick = false, list = false, help = false, no_patch = false;
	std::vector<std::string> scenarios, models, variants, events;
	std::string config = "distro"; /* kernels/include/kconfig.h */
	std::string pages = "2m";      /* 2m: arena on THP, frames kept; 4k: frames moved */
	std::string out;
	int cpu = -1;          /* -1: the last CPU we may run on */
	unsigned int samples = 0; /* 0: the mode's default */
	std::string command;   /* argv, joined, for the results */
};

/* Returns a kcb_exit code; on error *err holds one line. */
int kcb_parse_args(int argc, char **argv, kcb_options *o, std::string *err);
const char *kcb_usage(void);

#endif
