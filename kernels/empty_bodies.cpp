// SPDX-License-Identifier: GPL-2.0
/* Empty bodies with the hot paths' signatures: the bench subtracts their
 * per-op cost (call, return, loop) so only the body is reported. */
#include "hotpaths.h"
#include "cpu.h"

#define KCB_NOINLINE __attribute__((noinline, noclone))

extern "C" {
KCB_NOINLINE void kcb_empty__void(void)
{
	__asm__ volatile("" ::: "memory");
}

KCB_NOINLINE uintptr_t kcb_empty__chain(uintptr_t prev)
{
	return kcb_exec_gate(prev + kcb_dep_zero(prev));
}

KCB_NOINLINE void kcb_empty__indexed(unsigned int idx)
{
	__asm__ volatile("" : : "r"(idx) : "memory");
}
}
