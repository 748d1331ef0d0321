// SPDX-License-Identifier: GPL-2.0
/*
 * kcache-bench: the real SLUB fast paths (mm/slub.c), executed, with one
 * cache reached three ways: an __ro_after_init pointer, runtime_const_ptr()
 * of that pointer (where the arch has asm/runtime-const.h) and the static
 * instance itself (struct kmem_cache_opaque, set up in place by
 * kmem_cache_setup()).  Copied into a work tree by tools/kernel --exec;
 * never part of a committed kernel tree.
 *
 * Two scenarios per variant, as the model's (bench/METHOD.md):
 *   callsite: kmem_cache_alloc(c, GFP_KERNEL); kmem_cache_free(c, x);
 *   latency:  the same op, its cache address made to depend on the previous
 *             op's object (a zero that waits for it), between gates.
 * mode=time (UML, x86-64): N vs 2N tick deltas of every variant, back to
 * back, body and empty twin, rounds interleaved; the calibration chains.
 * mode=count (qemu-system TCG): marker windows of N and 2N ops for the
 * instruction-count plugin (tools/qemu_plugin/kcb_insn_count.c).
 * Output: "# kcb: ..." diagnostic lines, read by
 * tools/kcbench/kernel/exec/kunit_parse.py.  Per-op figures are printed
 * in milli-units (integers: no floating point in the kernel).
 */
#include <kunit/test.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/slab_static.h>
#include <linux/string.h>
#ifdef KCB_RUNTIME_CONST
#include <asm/runtime-const.h>
#endif

#define KCB_OBJ_SIZE	64
#define KCB_PER_LINE	16	/* values per output line (printk line limit) */

static char *mode = "time";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "time (ticks, native core) or count (marker windows, TCG)");
static unsigned int rounds = 25;
module_param(rounds, uint, 0444);
static unsigned int samples = 16;	/* per round and record */
module_param(samples, uint, 0444);
static unsigned int nops = 256;		/* N of the N vs 2N deltas */
module_param(nops, uint, 0444);

/* ---- one cache, three ways ---- */
static struct kmem_cache_opaque kcb_cache_opaque;
static struct kmem_cache *kcb_cachep __ro_after_init;

#define KCB_STATIC_CACHE	to_kmem_cache(&kcb_cache_opaque)
#ifdef KCB_RUNTIME_CONST
#define KCB_RC_CACHE		runtime_const_ptr(kcb_cachep)
#else
#define KCB_RC_CACHE		kcb_cachep	/* not built: no variant */
#endif

/* a zero that the hardware computes from prev: the next op waits for it */
static __always_inline unsigned long kcb_dep_zero(unsigned long prev)
{
	unsigned long m = 0;

	OPTIMIZER_HIDE_VAR(m);
	return prev & m;
}

/* the model's gates (arch/x86, arch/arm64): the op starts once s exists */
static __always_inline unsigned long kcb_gate(unsigned long x)
{
#if defined(__x86_64__)
	asm volatile("lfence" : "+r"(x) : : "memory");
#elif defined(__aarch64__)
	asm volatile("dsb nsh\n\tisb" : "+r"(x) : : "memory");
#else
	OPTIMIZER_HIDE_VAR(x);
#endif
	return x;
}

static __always_inline void kcb_drain(void)
{
#if defined(__x86_64__)
	asm volatile("mfence\n\tlfence" : : : "memory");
#elif defined(__aarch64__)
	asm volatile("dsb nsh\n\tisb" : : : "memory");
#else
	barrier();
#endif
}

/*
 * The measured ops, one noinline symbol each (the instruction counts read
 * their bodies from System.map).  callsite: what a kernel caller compiles.
 */
#define KCB_OPS(v, cache, dep)						\
static noinline void kcb_callsite__##v(void)				\
{									\
	void *x = kmem_cache_alloc(cache, GFP_KERNEL);			\
									\
	if (likely(x))							\
		kmem_cache_free(cache, x);				\
}									\
static noinline unsigned long kcb_latency__##v(unsigned long prev)	\
{									\
	unsigned long z = kcb_dep_zero(prev);				\
	struct kmem_cache *s = (struct kmem_cache *)kcb_gate((dep) + z); \
	void *x = kmem_cache_alloc(s, GFP_KERNEL);			\
									\
	kmem_cache_free(s, x);						\
	return (unsigned long)x;					\
}

/* pointer: the load itself waits for z, as the model's get_dep */
KCB_OPS(pointer, kcb_cachep,
	(unsigned long)*(struct kmem_cache *volatile *)((char *)&kcb_cachep + z))
#ifdef KCB_RUNTIME_CONST
KCB_OPS(runtime_const, KCB_RC_CACHE, (unsigned long)KCB_RC_CACHE)
#endif
KCB_OPS(static, KCB_STATIC_CACHE, (unsigned long)KCB_STATIC_CACHE)

static noinline void kcb_callsite__empty(void)
{
	barrier();
}

static noinline unsigned long kcb_latency__empty(unsigned long prev)
{
	return kcb_gate(prev + kcb_dep_zero(prev));
}

struct kcb_variant {
	const char *name;
	void (*callsite)(void);
	unsigned long (*latency)(unsigned long);
};

static const struct kcb_variant kcb_variants[] = {
	{ "pointer", kcb_callsite__pointer, kcb_latency__pointer },
#ifdef KCB_RUNTIME_CONST
	{ "runtime_const", kcb_callsite__runtime_const, kcb_latency__runtime_const },
#endif
	{ "static", kcb_callsite__static, kcb_latency__static },
};
#define KCB_NVAR ARRAY_SIZE(kcb_variants)
static const struct kcb_variant kcb_empty = { "empty", kcb_callsite__empty, kcb_latency__empty };

static const char *const kcb_scenarios[] = { "callsite", "latency" };

static void kcb_loop(const struct kcb_variant *v, unsigned int scen, unsigned long n)
{
	unsigned long x = 0;

	if (scen == 0) {
		while (n--)
			v->callsite();
		return;
	}
	while (n--) {
		kcb_drain();
		x = v->latency(x);
	}
}

/* ---- the plugin's markers (mode=count): distinct bodies, never folded ---- */
static volatile unsigned long kcb_marker_sink;

static noinline void kcb_mark_begin(void)
{
	kcb_marker_sink = 1;
}

static noinline void kcb_mark_end(void)
{
	kcb_marker_sink = 2;
}

/* one "# kcb: <what> <a> <b> v..." line (the parser's input) */
static void kcb_values(struct kunit *test, const char *what, const char *a, const char *b,
		       const s64 *v, unsigned int n)
{
	char buf[KCB_PER_LINE * 22 + 64];
	int len = scnprintf(buf, sizeof(buf), "%s %s %s", what, a, b);
	unsigned int i;

	for (i = 0; i < n; i++)
		len += scnprintf(buf + len, sizeof(buf) - len, " %lld", v[i]);
	kunit_log(KERN_INFO, test, "\t# kcb: %s\n", buf);
}

/* ---- ticks (mode=time): the TSC, readable in UML's user mode ---- */
#if defined(__x86_64__)
#define KCB_HAVE_TICKS 1
static __always_inline u64 kcb_ticks(void)
{
	u32 lo, hi;

	asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* calibration references (arch/x86/cpu_common.h): 32 dependent links */
#define KCB_LINKS	32
#define KCB_REP32(s)	s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s
static noinline unsigned long kcb_add_chain(unsigned long n, unsigned long x, unsigned long y)
{
	while (n--)
		asm volatile(KCB_REP32("add %1, %0\n\t") : "+r"(x) : "r"(y) : "cc");
	return x;
}

static noinline unsigned long kcb_mul_chain(unsigned long n, unsigned long x, unsigned long y)
{
	while (n--)
		asm volatile(KCB_REP32("imul %1, %0\n\t") : "+r"(x) : "r"(y) : "cc");
	return x;
}

/*
 * The model's contention probe (bench/METHOD.md): a throughput-bound block
 * of 4096 x 6 independent adds, ~2x slower while another hardware thread
 * shares the core.  Its ticks go out with the samples; the parser keeps
 * the samples whose probe ran within 10% of the fastest.
 */
static noinline s64 kcb_probe(void)
{
	unsigned long a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, one = 1;
	u64 t0 = kcb_ticks();
	unsigned int i;

	for (i = 0; i < 4096; i++)
		asm volatile("add %6, %0\n\tadd %6, %1\n\tadd %6, %2\n\t"
			     "add %6, %3\n\tadd %6, %4\n\tadd %6, %5"
			     : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f)
			     : "r"(one) : "cc");
	return kcb_ticks() - t0;
}

/* milli-ticks per link, N vs 2N, one line of values per 16 tries */
static void kcb_calibrate(struct kunit *test, const char *when, unsigned int tries)
{
	static const char *const chains[] = { "add", "mul" };
	unsigned long m = 2000, sink = 1;
	s64 v[KCB_PER_LINE];
	unsigned int c, t, k;

	sink = kcb_add_chain(1000 * m, sink, 1);	/* warm-up, ~20 ms */
	for (c = 0; c < 2; c++) {
		for (t = 0; t < tries; t += k) {
			for (k = 0; k < KCB_PER_LINE && t + k < tries; k++) {
				u64 t0, t1, t2;

				t0 = kcb_ticks();
				sink = c ? kcb_mul_chain(m, sink | 1, 1) : kcb_add_chain(m, sink, 1);
				t1 = kcb_ticks();
				sink = c ? kcb_mul_chain(2 * m, sink | 1, 1) : kcb_add_chain(2 * m, sink, 1);
				t2 = kcb_ticks();
				/* signed: an interrupt in the N run makes it negative */
				v[k] = div64_s64((s64)((t2 - t1) - (t1 - t0)) * 1000, KCB_LINKS * m);
			}
			kcb_values(test, "calib", when, chains[c], v, k);
		}
	}
	OPTIMIZER_HIDE_VAR(sink);
}
#endif

/* the core's name: the CPUID brand string (UML runs on the host's core) */
static void kcb_cpu(struct kunit *test)
{
#if defined(__x86_64__)
	u32 r[12], eax, ebx, ecx, edx, fam, model;
	unsigned int i;

	for (i = 0; i < 3; i++)
		asm volatile("cpuid" : "=a"(r[4 * i]), "=b"(r[4 * i + 1]), "=c"(r[4 * i + 2]),
			     "=d"(r[4 * i + 3]) : "a"(0x80000002 + i), "c"(0));
	asm volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
	fam = (eax >> 8) & 0xf;
	model = (eax >> 4) & 0xf;
	if (fam == 0xf)
		fam += (eax >> 20) & 0xff;
	if (fam >= 6)
		model |= ((eax >> 16) & 0xf) << 4;
	kunit_log(KERN_INFO, test, "\t# kcb: cpu family=%u model=%u name=%.48s\n",
		  fam, model, (char *)r);
#else
	kunit_log(KERN_INFO, test, "\t# kcb: cpu name=unknown\n");
#endif
}

/*
 * The cache is set up, and the runtime_const sites patched with its
 * address, in an early initcall: before smp_init(), while the text (and on
 * arm64 its linear alias, which the fixup writes) is still writable, as
 * dcache_init() patches its own constants early in start_kernel().
 */
static int kcb_cache_err = -EAGAIN;

static int __init kcb_cache_init(void)
{
	struct kmem_cache_args args = { .align = 0 };

	kcb_cache_err = kmem_cache_setup(KCB_STATIC_CACHE, "kcb_bench", KCB_OBJ_SIZE, &args, 0);
	if (kcb_cache_err)
		return 0;
	kcb_cachep = KCB_STATIC_CACHE;
#ifdef KCB_RUNTIME_CONST
	runtime_const_init(ptr, kcb_cachep);
#endif
	return 0;
}
early_initcall(kcb_cache_init);

static int kcb_suite_init(struct kunit_suite *suite)
{
	return kcb_cache_err;
}

/* the static instance really is where the pointer and the constant point */
static void kcb_check(struct kunit *test)
{
	void *x;

	KUNIT_ASSERT_PTR_EQ(test, kcb_cachep, KCB_STATIC_CACHE);
	KUNIT_ASSERT_PTR_EQ(test, (struct kmem_cache *)KCB_RC_CACHE, KCB_STATIC_CACHE);
	KUNIT_EXPECT_EQ(test, kmem_cache_size(KCB_STATIC_CACHE), KCB_OBJ_SIZE);
	x = kmem_cache_alloc(KCB_STATIC_CACHE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	kmem_cache_free(kcb_cachep, x);
	kcb_cpu(test);
	kunit_log(KERN_INFO, test, "\t# kcb: begin version=1 mode=%s rounds=%u samples=%u n=%u variants=%zu obj=%u\n",
		  mode, rounds, samples, nops, KCB_NVAR, KCB_OBJ_SIZE);
	kunit_log(KERN_INFO, test, "\t# kcb: symbols kmem_cache_alloc_noprof kmem_cache_free kcb_mark_begin kcb_mark_end\n");
}

/*
 * mode=count: per round, scenario and variant (body, then its empty twin),
 * a window of N ops and one of 2N ops.  The parser pairs the plugin's
 * windows, in order, with the "window" lines.
 */
static void kcb_count(struct kunit *test)
{
	unsigned int r, s, i, w;
	unsigned long n;

	if (strcmp(mode, "count"))
		kunit_skip(test, "mode=%s", mode);
	for (r = 0; r < rounds; r++)
		for (s = 0; s < ARRAY_SIZE(kcb_scenarios); s++)
			for (i = 0; i <= KCB_NVAR; i++) {
				const struct kcb_variant *v = i < KCB_NVAR ? &kcb_variants[i] : &kcb_empty;

				for (w = 1; w <= 2; w++) {
					n = (unsigned long)nops * w;
					kcb_loop(v, s, 4);	/* warm: the slab is populated */
					kcb_mark_begin();
					kcb_loop(v, s, n);
					kcb_mark_end();
					kunit_log(KERN_INFO, test, "\t# kcb: window %u %s %s %lu\n",
						  r, kcb_scenarios[s], v->name, n);
				}
			}
	kunit_log(KERN_INFO, test, "\t# kcb: end\n");
}

#ifdef KCB_HAVE_TICKS
static u64 kcb_run(const struct kcb_variant *v, unsigned int scen, unsigned long n)
{
	u64 t0 = kcb_ticks();

	kcb_loop(v, scen, n);
	return kcb_ticks() - t0;
}

/* milli-ticks per op, N vs 2N, the order alternating with k (signed) */
static s64 kcb_sample(const struct kcb_variant *v, unsigned int scen, unsigned int k)
{
	u64 a, b;

	if (k & 1) {
		a = kcb_run(v, scen, 2 * nops);
		b = kcb_run(v, scen, nops);
	} else {
		b = kcb_run(v, scen, nops);
		a = kcb_run(v, scen, 2 * nops);
	}
	return div64_s64((s64)(a - b) * 1000, nops);
}

/*
 * mode=time: per round and scenario, sample k of every variant and of the
 * empty twin back to back (the rounds spread each record's samples over
 * the run); one line per (round, scenario, variant, body|empty).
 */
static void kcb_time(struct kunit *test)
{
	s64 (*body)[KCB_PER_LINE], (*empty)[KCB_PER_LINE], probe[KCB_PER_LINE];
	unsigned int r, s, i, k, spr = min_t(unsigned int, samples, KCB_PER_LINE);

	if (strcmp(mode, "time"))
		kunit_skip(test, "mode=%s", mode);
	body = kunit_kcalloc(test, KCB_NVAR + 1, sizeof(*body), GFP_KERNEL);
	empty = kunit_kcalloc(test, KCB_NVAR + 1, sizeof(*empty), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, body);
	KUNIT_ASSERT_NOT_NULL(test, empty);
	kcb_calibrate(test, "start", 101);
	for (r = 0; r < rounds; r++) {
		kcb_calibrate(test, "round", 7);
		for (s = 0; s < ARRAY_SIZE(kcb_scenarios); s++) {
			for (i = 0; i < KCB_NVAR; i++) {	/* warm up */
				kcb_loop(&kcb_variants[i], s, 8 * nops);
				kcb_loop(&kcb_empty, s, 8 * nops);
			}
			for (k = 0; k < spr; k++) {
				probe[k] = kcb_probe();
				for (i = 0; i < KCB_NVAR; i++) {
					/* rotate the order with the round */
					const struct kcb_variant *v = &kcb_variants[(i + r) % KCB_NVAR];

					body[(i + r) % KCB_NVAR][k] = kcb_sample(v, s, k);
					empty[(i + r) % KCB_NVAR][k] = kcb_sample(&kcb_empty, s, k);
				}
				probe[k] = max(probe[k], kcb_probe());
			}
			{
				char tag[48];

				snprintf(tag, sizeof(tag), "%u %s", r, kcb_scenarios[s]);
				kcb_values(test, "probe", tag, "all", probe, spr);
				for (i = 0; i < KCB_NVAR; i++) {
					kcb_values(test, "body", tag, kcb_variants[i].name, body[i], spr);
					kcb_values(test, "empty", tag, kcb_variants[i].name, empty[i], spr);
				}
			}
		}
		cond_resched();
	}
	kcb_calibrate(test, "end", 101);
	kunit_log(KERN_INFO, test, "\t# kcb: end\n");
}
#else
static void kcb_time(struct kunit *test)
{
	kunit_skip(test, "no tick counter readable here");
}
#endif

static struct kunit_case kcb_cases[] = {
	KUNIT_CASE(kcb_check),
	KUNIT_CASE(kcb_time),
	KUNIT_CASE(kcb_count),
	{}
};

static struct kunit_suite kcb_suite = {
	.name = "kcb_slab",
	.suite_init = kcb_suite_init,
	.test_cases = kcb_cases,
};
kunit_test_suite(kcb_suite);

MODULE_DESCRIPTION("kcache-bench: real SLUB fast paths, three ways to the cache");
MODULE_LICENSE("GPL");
