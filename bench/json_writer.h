/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer, and an atomic file write (temp + rename). */
#ifndef KCB_BENCH_JSON_WRITER_H
#define KCB_BENCH_JSON_WRITER_H

#include <string>
#include <vector>

class kcb_json {
public:
	kcb_json &begin_object();
	kcb_json &end_object();
	kcb_json &begin_array();
	kcb_json &end_array();
	kcb_json &key(const std::string &k);
	kcb_json &str(const std::string &v);
	kcb_json &num(double v);       /* non-finite becomes null: never a fake number */
	kcb_json &integer(long long v);
	kcb_json &boolean(bool v);
	kcb_json &null();
	/* an array of numbers on one line (sample lists stay readable) */
	kcb_json &num_array(const std::vector<double> &v);
	/* key + value shorthands */
	kcb_json &kv(const std::string &k, const std::string &v) { return key(k).str(v); }
	kcb_json &kv(const std::string &k, const char *v) { return key(k).str(v); }
	kcb_json &kv_num(const std::string &k, double v) { return key(k).num(v); }
	kcb_json &kv_int(const std::string &k, long long v) { return key(k).integer(v); }
	kcb_json &kv_str_or_null(const std::string &k, const std::string &v)
	{
		return v.empty() ? key(k).null() : key(k).str(v);
	}
	const std::string &text() const { return out_; }

private:
	void value_prefix();
	void indent();
	std::string out_;
	std::vector<bool> first_; /* per open container: no element yet */
	bool after_key_ = false;
};

std::string kcb_json_escape(const std::string &s);

/* Can a file be created at path?  Tries (and removes) the temp file the final
 * write will use.  Returns "" or the reason. */
std::string kcb_check_writable(const std::string &path);

/* Write text to path atomically: a temp file in the same directory, fsync,
 * rename.  Returns "" or the reason; never leaves a partial file at path. */
std::string kcb_write_atomic(const std::string &path, const std::string &text);

#endif
