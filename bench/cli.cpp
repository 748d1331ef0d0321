// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <getopt.h>

#include <cstdlib>

#include "exit_codes.h"

static std::vector<std::string> split_list(const char *s)
{
	std::vector<std::string> v;
	std::string cur;
	for (const char *p = s;; p++) {
		if (*p == ',' || !*p) {
			if (!cur.empty())
				v.push_back(cur);
			cur.clear();
			if (!*p)
				break;
		} else {
			cur += *p;
		}
	}
	return v;
}

/* a list option's value: names, never an empty list (which would measure
 * everything, as if the option were not given) */
static bool parse_list(const char *opt, const char *s, std::vector<std::string> *out, std::string *err)
{
	*out = split_list(s);
	if (out->empty()) {
		*err = std::string("--") + opt + " wants a comma-separated list of names, not '" + s + "'";
		return false;
	}
	return true;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*s || *s == '-')
		return false;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = v;
	return true;
}

const char *kcb_usage(void)
{
	return "usage: kcb_bench [options]\n"
	       "Measures every (model, scenario, variant) hot path of this build; see bench/METHOD.md.\n"
	       "  --quick             fewer, shorter samples (under 10 s natively)\n"
	       "  --scenario a,b      callsite latency inline_fields cold_pointer many_caches static_align\n"
	       "  --model m,n         sheaves cpu_slab\n"
	       "  --config NAME       distro (default: Debian 6.12 settings) or minimal\n"
	       "  --pages 2m|4k       2m (default): the slab arena on 2 MiB THP pages, frames kept;\n"
	       "                      4k: 4 KiB pages moved to fresh frames every round\n"
	       "  --variant v,w       pointer runtime_const[_zba|_zbkb] projected static static_a8 static_a64\n"
	       "  --events e1,e2      extra perf events (perf generic names, rNNNN, libpfm4 names on x86-64)\n"
	       "  --out FILE          write the results JSON there (atomically: temp file + rename)\n"
	       "  --cpu N             pin to CPU N (default: the last allowed CPU)\n"
	       "  --samples N         N/2N sample pairs per record (default 1000 over 50 rounds; --quick 45 over 5)\n"
	       "  --list              print what would be measured, then exit\n"
	       "  --help              this text\n"
	       "exit codes: 0 ok; 1 set-up or measurement failed; 2 usage (bad option, unknown\n"
	       "  scenario/model/variant/config); 3 unknown event; 4 output not writable; 5 perf_event\n"
	       "  refused or no PMU for --events; 6 runtime_const sites not patched, refusing to measure;\n"
	       "  7 the slab arena cannot be reserved (address-space limit, ulimit -v)\n";
}

int kcb_parse_args(int argc, char **argv, kcb_options *o, std::string *err)
{
	enum { O_QUICK = 256, O_SCEN, O_MODEL, O_VAR, O_EVENTS, O_OUT, O_CPU, O_SAMPLES, O_LIST, O_HELP, O_NOPATCH, O_CONFIG, O_PAGES };
	static const struct option longopts[] = {
		{"quick", no_argument, nullptr, O_QUICK},
		{"scenario", required_argument, nullptr, O_SCEN},
		{"model", required_argument, nullptr, O_MODEL},
		{"variant", required_argument, nullptr, O_VAR},
		{"config", required_argument, nullptr, O_CONFIG},
		{"pages", required_argument, nullptr, O_PAGES},
		{"events", required_argument, nullptr, O_EVENTS},
		{"out", required_argument, nullptr, O_OUT},
		{"cpu", required_argument, nullptr, O_CPU},
		{"samples", required_argument, nullptr, O_SAMPLES},
		{"list", no_argument, nullptr, O_LIST},
		{"help", no_argument, nullptr, O_HELP},
		{"no-patch", no_argument, nullptr, O_NOPATCH}, /* test hook: proves the refusal */
		{nullptr, 0, nullptr, 0},
	};
	for (int i = 0; i < argc; i++)
		o->command += (i ? " " : "") + std::string(argv[i]);
	opterr = 0;
	optind = 1;
	int c;
	unsigned long v;
	while ((c = getopt_long(argc, argv, "", longopts, nullptr)) != -1) {
		switch (c) {
		case O_QUICK: o->quick = true; break;
		case O_SCEN:
			if (!parse_list("scenario", optarg, &o->scenarios, err))
				return KCB_EXIT_USAGE;
			break;
		case O_MODEL:
			if (!parse_list("model", optarg, &o->models, err))
				return KCB_EXIT_USAGE;
			break;
		case O_VAR:
			if (!parse_list("variant", optarg, &o->variants, err))
				return KCB_EXIT_USAGE;
			break;
		case O_CONFIG:
			o->config = optarg; /* an unknown name: kcb_make_plan, exit 2 */
			break;
		case O_PAGES:
			o->pages = optarg;
			if (o->pages != "2m" && o->pages != "4k") {
				*err = std::string("--pages wants 2m or 4k, not '") + optarg + "'";
				return KCB_EXIT_USAGE;
			}
			break;
		case O_EVENTS:
			if (!parse_list("events", optarg, &o->events, err))
				return KCB_EXIT_USAGE;
			break;
		case O_OUT:
			if (!*optarg) {
				*err = "--out wants a file name, not ''";
				return KCB_EXIT_USAGE;
			}
			o->out = optarg;
			break;
		case O_CPU:
			if (!parse_uint(optarg, 4095, &v)) {
				*err = std::string("--cpu wants a CPU number, not '") + optarg + "'";
				return KCB_EXIT_USAGE;
			}
			o->cpu = (int)v;
			break;
		case O_SAMPLES:
			if (!parse_uint(optarg, 1000000, &v) || v < 7) {
				*err = std::string("--samples wants a number from 7 to 1000000, not '") + optarg + "'";
				return KCB_EXIT_USAGE;
			}
			o->samples = (unsigned int)v;
			break;
		case O_LIST: o->list = true; break;
		case O_HELP: o->help = true; break;
		case O_NOPATCH: o->no_patch = true; break;
		default:
			if (optopt)
				*err = std::string("option needs a value or is unknown: ") + argv[optind - 1];
			else
				*err = std::string("unknown option '") + argv[optind - 1] + "' (see --help)";
			return KCB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		*err = std::string("unexpected argument '") + argv[optind] + "' (see --help)";
		return KCB_EXIT_USAGE;
	}
	return KCB_EXIT_OK;
}
