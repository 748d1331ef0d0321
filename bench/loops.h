/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measured loops: one call of a hot path per iteration, through a
 * function pointer, so the body and its empty twin (kcb_empty__*) run the
 * very same loop code and the difference is the body alone.
 */
#ifndef KCB_BENCH_LOOPS_H
#define KCB_BENCH_LOOPS_H

#include <stdint.h>

enum kcb_loop_kind {
	KCB_LOOP_VOID,    /* fn(): independent ops */
	KCB_LOOP_CHAIN,   /* x = fn(x): gated and held, or + KCB_CHAIN_PAD adds (loops.cpp) */
	KCB_LOOP_INDEXED, /* fn(i % 16): round-robin over 16 caches */
	KCB_LOOP_COLD,    /* evict(line); fn() */
};

struct kcb_work {
	int kind;
	void *fn;
	const void *line;  /* KCB_LOOP_COLD: the line evicted before each op */
	uintptr_t chain;   /* KCB_LOOP_CHAIN: carried across runs */
	unsigned int idx;  /* KCB_LOOP_INDEXED: carried across runs */
};

/* Run n iterations of w. */
void kcb_work_run(struct kcb_work *w, uint64_t n);

/* cycles of dependent register-register adds after each chained op
 * (see loops.cpp) */
#define KCB_CHAIN_PAD 96

/* on: native (pad chained ops where the arch has no execution gate, gate
 * and hold them where it has one); off: emulation, plain x = f(x). */
void kcb_loops_set_chain_pad(bool on);

/* Which of the gated chain loop's KCB_CHAIN_LAYOUTS copies runs (k mod
 * KCB_CHAIN_LAYOUTS); the bench moves it every round (loops.cpp). */
#define KCB_CHAIN_LAYOUTS 8
void kcb_loops_set_layout(unsigned int k);


/* How cold_pointer evicts a line on this build, in words. */
const char *kcb_evict_method(void);

/* n iterations of KCB_REF_CHAIN_LEN dependent links, y opaque:
 * register-register adds (1 cycle each on every core), multiplies
 * (KCB_MUL_LATENCY cycles each), loads p = *p (the core's L1
 * load-to-use latency each, p pointing to itself). */
uint64_t kcb_ref_add_chain(uint64_t n, uint64_t x, uint64_t y);
uint64_t kcb_ref_mul_chain(uint64_t n, uint64_t x, uint64_t y);
uintptr_t kcb_l1_chase(uint64_t n, uintptr_t p);
#define KCB_REF_CHAIN_LEN 32

/* Ticks of a fixed throughput-bound block (independent register-register
 * adds): slow while
 * another hardware thread shares the core.  See kcb_quiet_limit(). */
uint64_t kcb_contention_probe(void);

#endif
