// SPDX-License-Identifier: GPL-2.0
#include "loops.h"

#include "cpu.h"

#define KCB_NOINLINE __attribute__((noinline, noclone))

typedef void (*void_fn)(void);
typedef uintptr_t (*chain_fn)(uintptr_t);
typedef void (*indexed_fn)(unsigned int);

#if KCB_HAVE_FLUSH_LINE
static inline void evict(const void *line)
{
	kcb_flush_line(line);
}
const char *kcb_evict_method(void)
{
	return "kcb_flush_line (arch cache-line flush) before each op";
}
#else
/* No user-mode flush: touch 64 lines congruent to the target modulo 4 KiB.
 * A virtually indexed L1 of up to 64 ways and 4 KiB per way loses the line;
 * outer caches may keep it, so this is L1 eviction only. */
#define KCB_SWEEP_WAYS 64
alignas(4096) static unsigned char sweep_buf[KCB_SWEEP_WAYS * 4096];
static inline void evict(const void *line)
{
	uintptr_t off = (uintptr_t)line & 4095 & ~(uintptr_t)63;
	for (unsigned int i = 0; i < KCB_SWEEP_WAYS; i++)
		(void)*(volatile unsigned char *)&sweep_buf[i * 4096 + off];
}
const char *kcb_evict_method(void)
{
	return "L1 set sweep (64 lines congruent mod 4 KiB) before each op: no user-mode flush";
}
#endif

static KCB_NOINLINE void loop_void(void_fn f, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		f();
}

/* Arches without an execution gate (KCB_HAVE_EXEC_GATE 0, the latency hot
 * path cannot isolate its cache address): x = f(x), then KCB_CHAIN_PAD
 * dependent adds that leave x unchanged.  The pad keeps the loop
 * latency-bound: without it an op's own throughput limit (call/ret, the
 * allocator's per-cpu read-modify-writes) can exceed its dependent-chain
 * latency and hide it.  The empty body runs the same pad, so it cancels.
 * With a gate the hot path serialises itself and the pad is left out. */
/* The pad and the hold below are register-register adds of a zero the
 * compiler cannot see: one cycle each on every core.  An add-immediate
 * chain (x += 1; x -= 1) is not: Golden Cove folds it at rename. */
static inline uintptr_t opaque_zero(void)
{
	uintptr_t z = 0;
	__asm__ volatile("" : "+r"(z));
	return z;
}
#define KCB_PAD1 x = kcb_reg_add(x, zero); x = kcb_reg_add(x, zero);
#define KCB_PAD8 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1
static KCB_NOINLINE uintptr_t loop_chain(chain_fn f, uint64_t n, uintptr_t x)
{
	const uintptr_t zero = opaque_zero();
	for (uint64_t i = 0; i < n; i++) {
		x = f(x);
		KCB_PAD8 KCB_PAD8 KCB_PAD8 KCB_PAD8 KCB_PAD8 KCB_PAD8
	}
	return x;
}

/* Emulation: no out-of-order core to hide a chain, so no pad, which would
 * only add emulated time and noise. */
static KCB_NOINLINE uintptr_t loop_chain_nopad(chain_fn f, uint64_t n, uintptr_t x)
{
	for (uint64_t i = 0; i < n; i++)
		x = f(x);
	return x;
}

/*
 * Arches with an execution gate (bench/METHOD.md, latency): before each op
 * the gate waits until the previous op has completed and its stores have
 * drained (a store still in flight could delay the pointer load, or be
 * predicted to alias it: one run in about 15 gave sheaves 6.5 cycles instead
 * of 4 without the drain); then H pairs of
 * dependent adds that leave x as it was give the front end time to queue
 * the call and the op, so the op starts the same way in every variant.  The
 * hot path gates again once its cache address exists.
 *
 * H runs from 20 to 27: eight copies of the loop, each laid out a little
 * differently.  (With 10 to 17 pairs, after the gate's padding became a
 * jmp, sheaves' pointer - static on Zen 5 read 2.7 to 4.1 cycles by copy:
 * the front end had not queued the op yet; with 20 to 27, 4.0 in every
 * copy.)  The gated op is sensitive to that layout on some cores (on
 * the development VM one copy in eight, a different one from run to run,
 * gave sheaves' pointer - static 1 or 6.5 cycles instead of 4), so the
 * bench uses another copy every round, as it moves the stack, and the
 * median sees mostly the common case.
 */
#define KCB_HOLD1 x = kcb_reg_add(x, zero); x = kcb_reg_add(x, zero);
template <int H> static KCB_NOINLINE uintptr_t loop_chain_gated(chain_fn f, uint64_t n, uintptr_t x)
{
	const uintptr_t zero = opaque_zero();
	for (uint64_t i = 0; i < n; i++) {
		x = kcb_exec_gate_drained(x);
#pragma GCC unroll 64
		for (int h = 0; h < H; h++) {
			KCB_HOLD1
		}
		x = f(x);
	}
	return x;
}

typedef uintptr_t (*chain_loop)(chain_fn, uint64_t, uintptr_t);
static const chain_loop gated_loops[KCB_CHAIN_LAYOUTS] = {
	loop_chain_gated<20>, loop_chain_gated<21>, loop_chain_gated<22>, loop_chain_gated<23>,
	loop_chain_gated<24>, loop_chain_gated<25>, loop_chain_gated<26>, loop_chain_gated<27>,
};
static unsigned int chain_layout;

void kcb_loops_set_layout(unsigned int k)
{
	chain_layout = k % KCB_CHAIN_LAYOUTS;
}

static bool chain_pad = !KCB_HAVE_EXEC_GATE, chain_emulated;
void kcb_loops_set_chain_pad(bool on)
{
	chain_pad = on && !KCB_HAVE_EXEC_GATE;
	chain_emulated = !on;
}


static KCB_NOINLINE unsigned int loop_indexed(indexed_fn f, uint64_t n, unsigned int idx)
{
	for (uint64_t i = 0; i < n; i++)
		f(idx++);
	return idx;
}

static KCB_NOINLINE void loop_cold(void_fn f, const void *line, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		evict(line);
		f();
	}
}

void kcb_work_run(struct kcb_work *w, uint64_t n)
{
	switch (w->kind) {
	case KCB_LOOP_VOID:
		loop_void((void_fn)w->fn, n);
		break;
	case KCB_LOOP_CHAIN:
		if (chain_pad)
			w->chain = loop_chain((chain_fn)w->fn, n, w->chain);
		else if (KCB_HAVE_EXEC_GATE && !chain_emulated)
			w->chain = gated_loops[chain_layout]((chain_fn)w->fn, n, w->chain);
		else
			w->chain = loop_chain_nopad((chain_fn)w->fn, n, w->chain);
		break;
	case KCB_LOOP_INDEXED:
		w->idx = loop_indexed((indexed_fn)w->fn, n, w->idx);
		break;
	case KCB_LOOP_COLD:
		loop_cold((void_fn)w->fn, w->line, n);
		break;
	}
}

/*
 * Calibration references and the known answer (bench/METHOD.md).  Each is
 * 32 dependent links per iteration; y is a register the compiler cannot
 * see, so every link stays one register-register instruction
 * (arch/<arch>/cpu.h).  No add-immediate: some cores fold those at rename.
 */
#define KCB_REP8(s) s s s s s s s s
#define KCB_REP32(s) KCB_REP8(s) KCB_REP8(s) KCB_REP8(s) KCB_REP8(s)
KCB_NOINLINE uint64_t kcb_ref_add_chain(uint64_t n, uint64_t x, uint64_t y)
{
	for (uint64_t i = 0; i < n; i++) {
		KCB_REP32(x = kcb_reg_add(x, y);)
	}
	return x;
}

KCB_NOINLINE uint64_t kcb_ref_mul_chain(uint64_t n, uint64_t x, uint64_t y)
{
	for (uint64_t i = 0; i < n; i++) {
		KCB_REP32(x = kcb_reg_mul(x, y);)
	}
	return x;
}

/* p = *p: a plain load through a register, the form of the pointer
 * variant's load of its cache pointer (kernels/cache_ref.h) */
KCB_NOINLINE uintptr_t kcb_l1_chase(uint64_t n, uintptr_t p)
{
	for (uint64_t i = 0; i < n; i++) {
		KCB_REP32(p = *(const uintptr_t *)p; __asm__ volatile("" : "+r"(p));)
	}
	return p;
}

/* Six independent register-register add chains: throughput-bound, so it
 * runs about twice as long while another hardware thread (another VM's
 * vCPU on a shared host) uses the same core's ALUs.  4096 iterations: ~2-4
 * us, long enough that the tick counter's granularity (10 ns on some
 * hypervisors) is a small part.  Only its ratio to its own fastest run is
 * used (harness.h), so no cycle count is assumed. */
KCB_NOINLINE uint64_t kcb_contention_probe(void)
{
	uintptr_t a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, y = 1;
	__asm__ volatile("" : "+r"(y));
	uint64_t t0 = kcb_ticks();
	for (unsigned int i = 0; i < 4096; i++) {
		a = kcb_reg_add(a, y);
		b = kcb_reg_add(b, y);
		c = kcb_reg_add(c, y);
		d = kcb_reg_add(d, y);
		e = kcb_reg_add(e, y);
		f = kcb_reg_add(f, y);
	}
	/* the chains are done before the second read */
	__asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f));
	uint64_t t1 = kcb_ticks();
	__asm__ volatile("" : : "r"(a + b + c + d + e + f));
	return t1 - t0;
}
