/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model's .config.  Two named configs are built side by side into one
 * binary, so a run measures both back to back on the same caches:
 *   distro   (default) Debian 6.12 amd64/arm64 for what the model covers:
 *            INIT_ON_ALLOC_DEFAULT_ON=y behind a static key (a patched
 *            branch, arch/generic/jump_label.h), KFENCE with
 *            SAMPLE_INTERVAL=0 (its key off: no gate load),
 *            SLAB_FREELIST_HARDENED compiled in (no s->flags test),
 *            MEMCG as built, PREEMPT_DYNAMIC voluntary (might_alloc() on a
 *            blocking gfp calls __cond_resched()).
 *   minimal  the model before issue 18: init_on_alloc=0 read from a
 *            variable, the kfence gate loaded on every alloc, the
 *            hardened freelist a per-cache flag tested at run time, no
 *            cond_resched call.
 * What is arch code in the kernel is the same in both: the code model, the
 * per-CPU base (arm64: x28), preempt_count with need_resched folded in
 * (x86, arm64), prefetchw, casp.
 * The fast-path files (slub_sheaves.cpp, slub_cpu_slab.cpp) and the hot
 * paths are compiled once per config (kernels/CMakeLists.txt defines
 * KCB_CONFIG_minimal for the second); minimal's global symbols carry the
 * suffix __minimal, distro's none.  Names: tools/kcbench/vocab.py CONFIGS.
 */
#ifndef KCB_KCONFIG_H
#define KCB_KCONFIG_H

#if defined(KCB_CONFIG_minimal)
#define KCB_CONFIG_DISTRO 0
#define KCB_CONFIG_STR "minimal"
#define KCB_CFG_(sym) sym##__minimal
#define KCB_CFG(sym) KCB_CFG_(sym) /* sym expanded first */
#else
#define KCB_CONFIG_DISTRO 1
#define KCB_CONFIG_STR "distro"
#define KCB_CFG(sym) sym
#endif

#endif /* KCB_KCONFIG_H */
