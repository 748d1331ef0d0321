// SPDX-License-Identifier: GPL-2.0
#include "json_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

std::string kcb_json_escape(const std::string &s)
{
	std::string o;
	for (unsigned char c : s) {
		switch (c) {
		case '"': o += "\\\""; break;
		case '\\': o += "\\\\"; break;
		case '\n': o += "\\n"; break;
		case '\r': o += "\\r"; break;
		case '\t': o += "\\t"; break;
		default:
			if (c < 0x20) {
				char b[8];
				snprintf(b, sizeof(b), "\\u%04x", c);
				o += b;
			} else {
				o += (char)c;
			}
		}
	}
	return o;
}

void kcb_json::indent()
{
	out_ += '\n';
	out_.append(2 * first_.size(), ' ');
}

void kcb_json::value_prefix()
{
	if (after_key_) {
		after_key_ = false;
		return;
	}
	if (!first_.empty()) {
		if (!first_.back())
			out_ += ',';
		first_.back() = false;
		indent();
	}
}

kcb_json &kcb_json::begin_object()
{
	value_prefix();
	out_ += '{';
	first_.push_back(true);
	return *this;
}

kcb_json &kcb_json::end_object()
{
	bool empty = first_.back();
	first_.pop_back();
	if (!empty)
		indent();
	out_ += '}';
	if (first_.empty())
		out_ += '\n';
	return *this;
}

kcb_json &kcb_json::begin_array()
{
	value_prefix();
	out_ += '[';
	first_.push_back(true);
	return *this;
}

kcb_json &kcb_json::end_array()
{
	bool empty = first_.back();
	first_.pop_back();
	if (!empty)
		indent();
	out_ += ']';
	return *this;
}

kcb_json &kcb_json::key(const std::string &k)
{
	value_prefix();
	out_ += '"' + kcb_json_escape(k) + "\": ";
	after_key_ = true;
	return *this;
}

kcb_json &kcb_json::str(const std::string &v)
{
	value_prefix();
	out_ += '"' + kcb_json_escape(v) + '"';
	return *this;
}

kcb_json &kcb_json::num(double v)
{
	if (!std::isfinite(v))
		return null();
	value_prefix();
	char b[40];
	snprintf(b, sizeof(b), "%.6g", v);
	out_ += b;
	return *this;
}

kcb_json &kcb_json::num_array(const std::vector<double> &v)
{
	value_prefix();
	out_ += '[';
	char b[40];
	for (size_t i = 0; i < v.size(); i++) {
		if (std::isfinite(v[i]))
			snprintf(b, sizeof(b), "%s%.6g", i ? ", " : "", v[i]);
		else
			snprintf(b, sizeof(b), "%snull", i ? ", " : "");
		out_ += b;
	}
	out_ += ']';
	return *this;
}

kcb_json &kcb_json::integer(long long v)
{
	value_prefix();
	out_ += std::to_string(v);
	return *this;
}

kcb_json &kcb_json::boolean(bool v)
{
	value_prefix();
	out_ += v ? "true" : "false";
	return *this;
}

kcb_json &kcb_json::null()
{
	value_prefix();
	out_ += "null";
	return *this;
}

static std::string temp_path(const std::string &path)
{
	size_t slash = path.rfind('/');
	std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
	std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
	return dir + "." + base + ".tmp." + std::to_string(getpid());
}

std::string kcb_check_writable(const std::string &path)
{
	struct stat st;
	if (path.empty() || path.back() == '/')
		return "'" + path + "' is not a file name";
	if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
		return "'" + path + "' is a directory, not a file name";
	std::string tmp = temp_path(path);
	int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return "cannot create a file beside '" + path + "': " + strerror(errno);
	close(fd);
	unlink(tmp.c_str());
	return "";
}

static std::string write_atomic(const std::string &path, const std::string &text);

/* SIGINT, SIGTERM and SIGHUP wait while the temp file exists: the signal
 * then lands after the rename (or the cleanup), so it never leaves a temp
 * file beside the target */
std::string kcb_write_atomic(const std::string &path, const std::string &text)
{
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	std::string err = write_atomic(path, text);
	sigprocmask(SIG_SETMASK, &old, nullptr);
	return err;
}

static std::string write_atomic(const std::string &path, const std::string &text)
{
	std::string tmp = temp_path(path);
	int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return "cannot create '" + tmp + "': " + strerror(errno);
	const char *p = text.data();
	size_t left = text.size();
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			std::string why = strerror(errno);
			close(fd);
			unlink(tmp.c_str());
			return "writing '" + tmp + "': " + why;
		}
		p += w;
		left -= (size_t)w;
	}
	int rc = fsync(fd);
	int e = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0) {
		std::string why = strerror(e);
		unlink(tmp.c_str());
		return "flushing '" + tmp + "': " + why;
	}
	if (rename(tmp.c_str(), path.c_str()) != 0) {
		std::string why = strerror(errno);
		unlink(tmp.c_str());
		return "renaming to '" + path + "': " + why;
	}
	return "";
}
