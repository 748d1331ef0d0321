// SPDX-License-Identifier: GPL-2.0
/*
 * arch/<arch>/cpu.h: the tick counter moves forward, kcb_dep_zero() is 0,
 * the double-word local cmpxchg succeeds only on a full match and stores
 * both words, and kcb_flush_line() keeps the data intact.
 */
#include <stdio.h>
#include <string.h>
#include "cpu.h"

#include "kcb_check.h"

int main(void)
{
	unsigned int checks = 0;

	/* ticks: non-decreasing, and moving over a busy loop */
	uint64_t t0 = kcb_ticks(), prev = t0, t1;
	bool moved = false;
	for (int i = 0; i < 1000000 && !moved; i++) {
		t1 = kcb_ticks();
		CHECK(t1 >= prev, "ticks went back: %llu -> %llu", (unsigned long long)prev,
		      (unsigned long long)t1);
		moved = t1 != t0;
		prev = t1;
	}
	CHECK(moved, "%s counter did not move in 1e6 reads", KCB_TICKS_UNIT);
	checks += 2;

	const uintptr_t xs[] = {0, 1, ~(uintptr_t)0, (uintptr_t)&checks};
	for (uintptr_t x : xs) {
		CHECK(kcb_dep_zero(x) == 0, "kcb_dep_zero(%#lx) != 0", (unsigned long)x);
		checks++;
	}

	alignas(2 * sizeof(uintptr_t)) uintptr_t w[2] = {10, 20};
#if KCB_HAVE_CMPXCHG_DOUBLE
	CHECK(!kcb_cmpxchg_double_local(w, 11, 20, 1, 2) && w[0] == 10 && w[1] == 20, "cmpxchg: word 0 mismatch stored");
	CHECK(!kcb_cmpxchg_double_local(w, 10, 21, 1, 2) && w[0] == 10 && w[1] == 20, "cmpxchg: word 1 mismatch stored");
	CHECK(kcb_cmpxchg_double_local(w, 10, 20, ~(uintptr_t)0, 2) && w[0] == ~(uintptr_t)0 && w[1] == 2,
	      "cmpxchg: match not stored");
	CHECK(kcb_cmpxchg_double_local(w, ~(uintptr_t)0, 2, 5, ~(uintptr_t)0 - 1) && w[0] == 5 &&
	      w[1] == ~(uintptr_t)0 - 1, "cmpxchg: second match not stored");
	checks += 4;
#endif
	kcb_flush_line(w);
	CHECK(w[0] == (KCB_HAVE_CMPXCHG_DOUBLE ? 5 : 10), "flush_line changed data");
	checks++;

#if defined(KCB_PERCPU_OFFSET_TABLE) /* kernels/percpu.h tests defined(), not the value */
	const char *pcpu = "__per_cpu_offset[cpu] table";
#else
	const char *pcpu = "per-cpu base register";
#endif
	printf("arch %s: counter %s (%s), hz %llu; flush_line %s; cmpxchg_double %s; "
	       "percpu %s; %u checks, %d failure(s)\n",
	       KCB_ARCH_NAME, KCB_TICKS_UNIT, KCB_TICKS_DESC, (unsigned long long)kcb_ticks_hz(),
	       KCB_HAVE_FLUSH_LINE ? "yes" : "no (eviction buffer)", KCB_CMPXCHG_DOUBLE_INSN,
	       pcpu, checks, failures);
	return failures ? 1 : 0;
}
