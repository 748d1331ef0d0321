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

/* x = f(x), then KCB_CHAIN_PAD dependent adds that leave x unchanged.  The
 * pad keeps the loop latency-bound: without it an op's own throughput limit
 * (call/ret, the allocator's per-cpu read-modify-writes) can exceed its
 * dependent-chain latency and hide it.  The empty body runs the same pad,
 * so it cancels and the figure is the op's critical-path latency. */
#define KCB_PAD1 x += 1; __asm__ volatile("" : "+r"(x)); x -= 1; __asm__ volatile("" : "+r"(x));
#define KCB_PAD8 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1 KCB_PAD1
static KCB_NOINLINE uintptr_t loop_chain(chain_fn f, uint64_t n, uintptr_t x)
{
	for (uint64_t i = 0; i < n; i++) {
		x = f(x);
		KCB_PAD8 KCB_PAD8 KCB_PAD8 KCB_PAD8 KCB_PAD8 KCB_PAD8
	}
	return x;
}

/* Under emulation there is no out-of-order core to hide a chain: no pad,
 * which would only add emulated time and noise. */
static KCB_NOINLINE uintptr_t loop_chain_nopad(chain_fn f, uint64_t n, uintptr_t x)
{
	for (uint64_t i = 0; i < n; i++)
		x = f(x);
	return x;
}

static bool chain_pad = true;
void kcb_loops_set_chain_pad(bool on)
{
	chain_pad = on;
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
		w->chain = (chain_pad ? loop_chain : loop_chain_nopad)((chain_fn)w->fn, n, w->chain);
		break;
	case KCB_LOOP_INDEXED:
		w->idx = loop_indexed((indexed_fn)w->fn, n, w->idx);
		break;
	case KCB_LOOP_COLD:
		loop_cold((void_fn)w->fn, w->line, n);
		break;
	}
}

/* The empty asm hides x from the optimiser after every add, so each add is
 * one instruction waiting on the one before (no folding into x += 32). */
#define KCB_ADD1 x += 1; __asm__ volatile("" : "+r"(x));
#define KCB_ADD8 KCB_ADD1 KCB_ADD1 KCB_ADD1 KCB_ADD1 KCB_ADD1 KCB_ADD1 KCB_ADD1 KCB_ADD1
KCB_NOINLINE uint64_t kcb_add_chain(uint64_t n, uint64_t x)
{
	for (uint64_t i = 0; i < n; i++) {
		KCB_ADD8 KCB_ADD8 KCB_ADD8 KCB_ADD8
	}
	return x;
}
