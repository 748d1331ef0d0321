// SPDX-License-Identifier: GPL-2.0
/*
 * kcache-bench's test module (tools/kernel, the modules part): one call
 * site in a module of a cache vmlinux exports, names_cachep through fs.h's
 * __getname().  Built per variant: pointer and static take fs.h as the
 * variant made it (the pointer, or the exported static instance);
 * KCB_RUNTIME_CONST writes the site with runtime_const_ptr(), the form a
 * module would need to share the runtime_const variant.
 */
#include <linux/module.h>
#include <linux/fs.h>

char *kcb_getname(void);

#ifdef KCB_RUNTIME_CONST
#include <asm/runtime-const.h>

char *kcb_getname(void)
{
	return kmem_cache_alloc(runtime_const_ptr(names_cachep), GFP_KERNEL);
}
#else
char *kcb_getname(void)
{
	return __getname();
}
#endif
EXPORT_SYMBOL_GPL(kcb_getname);

MODULE_DESCRIPTION("kcache-bench: a module's call site of an exported cache");
MODULE_LICENSE("GPL");
