// SPDX-License-Identifier: GPL-2.0
/* bench/json_writer: escaping, structure, and the atomic write that never
 * leaves a partial file behind. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "json_writer.h"

#include "kcb_check.h"

static std::string slurp(const std::string &p)
{
	std::ifstream f(p);
	std::stringstream ss;
	ss << f.rdbuf();
	return ss.str();
}

static int count_entries(const std::string &dir)
{
	DIR *d = opendir(dir.c_str());
	int n = 0;
	while (struct dirent *e = readdir(d))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, ".."); /* temp files are dot files */
	closedir(d);
	return n;
}

int main()
{
	CHECK(kcb_json_escape("a\"b\\c\n\x01") == "a\\\"b\\\\c\\n\\u0001", "escape: %s",
	      kcb_json_escape("a\"b\\c\n\x01").c_str());

	kcb_json j;
	j.begin_object().kv("s", "x\"y").kv_num("n", 1.5).kv_num("nan", NAN).kv_int("i", -3);
	j.key("a").begin_array().num(1).num(2).end_array();
	j.key("e").begin_array().end_array();
	j.key("v").num_array({1, 2.25, INFINITY});
	j.end_object();
	std::string t = j.text();
	const char *want[] = {"\"s\": \"x\\\"y\"", "\"n\": 1.5", "\"nan\": null", "\"i\": -3",
			      "\"e\": []", "\"v\": [1, 2.25, null]"};
	for (const char *w : want)
		CHECK(t.find(w) != std::string::npos, "missing %s in:\n%s", w, t.c_str());
	CHECK(t.find(",\n}") == std::string::npos && t.find(",]") == std::string::npos, "trailing comma:\n%s",
	      t.c_str());

	char tmpl[] = "/tmp/kcb_json_test.XXXXXX";
	std::string dir = mkdtemp(tmpl);
	std::string out = dir + "/r.json";
	CHECK(kcb_check_writable(out).empty(), "tmp dir not writable?");
	CHECK(count_entries(dir) == 0, "check_writable left a file");
	CHECK(kcb_write_atomic(out, t).empty(), "atomic write failed");
	CHECK(slurp(out) == t, "content differs");
	CHECK(count_entries(dir) == 1, "temp file left beside the output");

	/* an existing file is replaced whole; a failing write leaves it alone */
	CHECK(kcb_write_atomic(out, "{}\n").empty() && slurp(out) == "{}\n", "replace");
	CHECK(!kcb_check_writable(dir + "/no/such/dir/x.json").empty(), "missing dir accepted");
	CHECK(!kcb_write_atomic(dir + "/no/such/dir/x.json", t).empty(), "write into missing dir succeeded");
	CHECK(!kcb_check_writable(dir + "/").empty(), "directory name accepted as file");
	if (geteuid() != 0) { /* root ignores permissions */
		chmod(dir.c_str(), 0555);
		CHECK(!kcb_write_atomic(dir + "/y.json", t).empty(), "read-only dir accepted");
		chmod(dir.c_str(), 0755);
	}
	CHECK(count_entries(dir) == 1 && slurp(out) == "{}\n", "failed writes touched the directory");

	unlink(out.c_str());
	rmdir(dir.c_str());
	if (failures)
		return 1;
	printf("ok: json writer\n");
	return 0;
}
