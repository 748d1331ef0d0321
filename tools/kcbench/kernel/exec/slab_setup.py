# SPDX-License-Identifier: GPL-2.0
"""Caches in preallocated storage, so the static variant runs: text
transforms of 6.12's include/linux/slab.h and mm/slab_common.c.

struct kmem_cache_args gains @preallocated, the storage the cache is set
up in; __kmem_cache_create_args() then neither merges it with another
cache nor allocates the struct; kmem_cache_destroy() refuses such a cache
(it is never freed).  __kmem_cache_setup_args() (declared by the static
variant's include/linux/slab_static.h) and kmem_cache_setup() sit beside
kmem_cache_create().  Each function raises TransformError naming the file
when the tree's text does not fit."""
import re

from ..transform import TransformError

SLAB_H = "include/linux/slab.h"
SLAB_COMMON = "mm/slab_common.c"

_ARGS_FIELD = """\
\t/**
\t * @preallocated: Storage to set the cache up in (kcache-bench).
\t *
\t * %NULL: the cache is allocated.  Otherwise the cache lives in this
\t * storage (static duration): it is never merged and never freed.
\t */
\tstruct kmem_cache *preallocated;
"""

_SETUP_DECL = """
int __kmem_cache_setup_args(struct kmem_cache *s, const char *name,
\t\t\t    unsigned int object_size, struct kmem_cache_args *args,
\t\t\t    slab_flags_t flags);

/**
 * kmem_cache_setup - set a cache up in preallocated storage
 * @s: the storage (static duration, e.g. to_kmem_cache(&opaque))
 * @name: as for kmem_cache_create()
 * @size: the object size
 * @args: optional arguments (&struct kmem_cache_args), or %NULL
 * @flags: SLAB flags
 *
 * Return: 0, or a negative errno.  The cache is never merged nor freed.
 */
#define kmem_cache_setup(s, name, size, args, flags)\t\t\t\\
\t__kmem_cache_setup_args(s, name, size, args, flags)
"""

_SETUP_DEF = """
/*
 * __kmem_cache_setup_args - create a cache in the storage @s (kcache-bench).
 * Such a cache is never merged (its address is what its users name) and
 * never freed (kmem_cache_destroy() refuses it).
 */
int __kmem_cache_setup_args(struct kmem_cache *s, const char *name,
\t\t\t    unsigned int object_size, struct kmem_cache_args *args,
\t\t\t    slab_flags_t flags)
{
\tstruct kmem_cache_args none = { };

\tif (!args)
\t\targs = &none;
\targs->preallocated = s;
\treturn __kmem_cache_create_args(name, object_size, args, flags) == s ?
\t\t0 : -EINVAL;
}
EXPORT_SYMBOL(__kmem_cache_setup_args);
"""


def _sub_once(text, pattern, repl, where, what):
    new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    if n != 1:
        raise TransformError(f"{where}: {what} not found")
    return new


def slab_h(text):
    """The args field and the setup declarations."""
    return _sub_once(text, r"(^struct kmem_cache_args \{\n(?:.*\n)*?\tvoid \(\*ctor\)\(void \*\);\n)(\};\n)",
                     lambda m: m.group(1) + _ARGS_FIELD + m.group(2) + _SETUP_DECL,
                     SLAB_H, "struct kmem_cache_args ending in ctor")


def slab_common_c(text):
    """Storage instead of an allocation, no merge, no free."""
    where = SLAB_COMMON
    text = _sub_once(text, r"^(\ts = )kmem_cache_zalloc\(kmem_cache, GFP_KERNEL\);\n",
                     lambda m: ("\tif (args->preallocated) {\n"
                                "\t\ts = args->preallocated;\n"
                                "\t\tmemset(s, 0, sizeof(*s));\n"
                                "\t} else {\n"
                                "\t\ts = kmem_cache_zalloc(kmem_cache, GFP_KERNEL);\n"
                                "\t}\n"), where, "create_cache's kmem_cache_zalloc")
    text = _sub_once(text, r"^out_free_cache:\n\tkmem_cache_free\(kmem_cache, s\);\n",
                     lambda m: "out_free_cache:\n\tif (!args->preallocated)\n"
                               "\t\tkmem_cache_free(kmem_cache, s);\n",
                     where, "create_cache's out_free_cache")
    text = _sub_once(text, r"^(\ts = )__kmem_cache_alias\(name, object_size, flags, args\);\n",
                     lambda m: "\ts = args->preallocated ? NULL :\n"
                               "\t\t__kmem_cache_alias(name, object_size, flags, args);\n",
                     where, "__kmem_cache_alias call")
    text = _sub_once(text, r"^(\tif \(unlikely\(!s\) \|\| !kasan_check_byte\(s\)\)\n\t\treturn;\n)",
                     lambda m: m.group(1) + "\n\t/* set up in preallocated storage: never freed */\n"
                                            "\tif (WARN_ON_ONCE(__is_kernel((unsigned long)s)))\n"
                                            "\t\treturn;\n",
                     where, "kmem_cache_destroy's first test")
    text = _sub_once(text, r"^(EXPORT_SYMBOL\(__kmem_cache_create_args\);\n)",
                     lambda m: m.group(1) + _SETUP_DEF, where, "EXPORT_SYMBOL(__kmem_cache_create_args)")
    if "#include <asm/sections.h>" not in text:
        text = _sub_once(text, r"^(#include <asm/page.h>\n)",
                         lambda m: m.group(1) + "#include <asm/sections.h>\n", where, "#include <asm/page.h>")
    return text


def files(read):
    """{path: new text} for the two files; TransformError when absent."""
    out = {}
    for path, fn in ((SLAB_H, slab_h), (SLAB_COMMON, slab_common_c)):
        t = read(path)
        if t is None:
            raise TransformError(f"{path}: not in this tree")
        out[path] = fn(t)
    return out
