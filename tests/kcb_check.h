/* SPDX-License-Identifier: GPL-2.0 */
/* The one assertion macro of the C++ tests: counts every check, counts and
 * reports failures (the first 20, so a broken loop stays readable), and
 * lets the test go on so one run shows every failure. */
#ifndef KCB_TESTS_CHECK_H
#define KCB_TESTS_CHECK_H

#include <stdio.h>

static int failures;
[[maybe_unused]] static unsigned int checks;
#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		checks++;                                                     \
		if (!(cond) && failures++ < 20) {                             \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

#endif
