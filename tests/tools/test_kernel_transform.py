# SPDX-License-Identifier: GPL-2.0
"""Fast tests of the real-kernel mode's source transforms
(tools/kcbench/kernel/transform.py) on small synthetic source snippets."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from kcbench.kernel import transform as T  # noqa: E402
from kcbench.kernel.caches import Cache  # noqa: E402

C_SRC = """\
#include <linux/slab.h>
#include "internal.h"

static struct kmem_cache *foo_cachep __ro_after_init;

struct foo *foo_alloc(void)
{
	/* foo_cachep is set up in foo_init */
	return kmem_cache_zalloc(foo_cachep, GFP_KERNEL);
}

void foo_free(struct foo *f)
{
	kmem_cache_free(foo_cachep, f);
	f->foo_cachep = NULL;
}

void __init foo_init(void)
{
	foo_cachep = kmem_cache_create("foo", sizeof(struct foo),
			0, SLAB_PANIC, NULL);
}
"""

HDR = """\
#ifndef _LINUX_BAR_H
#define _LINUX_BAR_H
#include <linux/types.h>
extern struct kmem_cache *bar_cachep;
#define bar_get() kmem_cache_alloc(bar_cachep, GFP_KERNEL)
#endif /* _LINUX_BAR_H */
"""

LDS = """\
#define RUNTIME_CONST_VARIABLES						\\
		RUNTIME_CONST(shift, d_hash_shift)			\\
		RUNTIME_CONST(ptr, dentry_hashtable)

#define NEXT 1
"""

KBUILD = """\
offsets-file := include/generated/asm-offsets.h

# Check for missing system calls

prepare: $(offsets-file) missing-syscalls
\t@:
"""


class RuntimeConst(unittest.TestCase):
    def test_reads_become_runtime_const_ptr(self):
        out = T.runtime_const_c(C_SRC, "foo_cachep", "foo.c")
        self.assertIn("kmem_cache_zalloc(runtime_const_ptr(foo_cachep), GFP_KERNEL)", out)
        self.assertIn("kmem_cache_free(runtime_const_ptr(foo_cachep), f)", out)
        # definition, assignment, comment and member access stay as they are
        self.assertIn("static struct kmem_cache *foo_cachep __ro_after_init;", out)
        self.assertIn("\tfoo_cachep = kmem_cache_create(", out)
        self.assertIn("/* foo_cachep is set up", out)
        self.assertIn("f->foo_cachep = NULL", out)

    def test_init_follows_the_whole_statement(self):
        out = T.runtime_const_c(C_SRC, "foo_cachep", "foo.c")
        self.assertIn("0, SLAB_PANIC, NULL);\n\truntime_const_init(ptr, foo_cachep);\n}", out)

    def test_include_before_first_use(self):
        out = T.runtime_const_c(C_SRC, "foo_cachep", "foo.c")
        self.assertLess(out.index("#include <asm/runtime-const.h>"), out.index("static struct kmem_cache"))
        self.assertEqual(out.count("#include <asm/runtime-const.h>"), 1)

    def test_header_macro_keeps_the_load_in_modules(self):
        out = T.runtime_const_header(HDR, "bar_cachep", "bar.h")
        self.assertIn("kmem_cache_alloc(__kc_bar_cachep(), GFP_KERNEL)", out)
        self.assertIn("#ifdef MODULE", out)
        self.assertIn("#define __kc_bar_cachep() (bar_cachep)", out)
        self.assertIn("#define __kc_bar_cachep() runtime_const_ptr(bar_cachep)", out)
        self.assertTrue(out.rstrip().endswith("#endif /* _LINUX_BAR_H */"))

    def test_header_without_extern_fails(self):
        with self.assertRaisesRegex(T.TransformError, "bar.h: no 'extern"):
            T.runtime_const_header("#define X 1\n", "bar_cachep", "bar.h")

    def test_linker_script_lists_each_section(self):
        out = T.runtime_const_lds(LDS, ["foo_cachep", "bar_cachep"], "lds")
        self.assertIn("RUNTIME_CONST(ptr, dentry_hashtable)\t\\\n\t\tRUNTIME_CONST(ptr, foo_cachep)", out)
        self.assertIn("RUNTIME_CONST(ptr, bar_cachep)\n\n#define NEXT 1", out)
        with self.assertRaises(T.TransformError):
            T.runtime_const_lds("nothing\n", ["x"], "lds")


class Static(unittest.TestCase):
    def test_definition_becomes_opaque_instance(self):
        out = T.static_c(C_SRC, "foo_cachep", "foo.c", False)
        self.assertIn("static struct kmem_cache_opaque foo_cachep_opaque;\n"
                      "#define foo_cachep to_kmem_cache(&foo_cachep_opaque)", out)
        self.assertIn("\tkmem_cache_create_static(foo_cachep, \"foo\", sizeof(struct foo),\n"
                      "\t\t\t0, SLAB_PANIC, NULL);", out)
        self.assertNotIn("\tfoo_cachep = kmem", out)
        self.assertLess(out.index("#include <linux/slab_static.h>"), out.index("foo_cachep_opaque"))

    def test_export_names_the_instance(self):
        src = C_SRC.replace("static struct kmem_cache *foo_cachep __ro_after_init;",
                            "struct kmem_cache *foo_cachep __ro_after_init;\nEXPORT_SYMBOL(foo_cachep);")
        out = T.static_c(src, "foo_cachep", "foo.c", True)
        self.assertIn("EXPORT_SYMBOL(foo_cachep_opaque);", out)
        self.assertNotIn("#define foo_cachep", out)  # the header has it

    def test_unknown_create_call_names_the_site(self):
        src = C_SRC.replace("kmem_cache_create(", "my_cache_create(")
        with self.assertRaisesRegex(T.TransformError, r"^foo.c:\d+: foo_cachep = my_cache_create"):
            T.static_c(src, "foo_cachep", "foo.c", False)

    def test_header_extern_and_macro(self):
        out = T.static_header(HDR, "bar_cachep", "bar.h")
        self.assertIn("extern struct kmem_cache_opaque bar_cachep_opaque;\n"
                      "#define bar_cachep to_kmem_cache(&bar_cachep_opaque)", out)

    def test_kbuild_generates_the_size_in_prepare(self):
        out = T.static_kbuild(KBUILD, "Kbuild")
        self.assertIn("$(kmem-cache-size-file): mm/kmem_cache_size.s FORCE", out)
        self.assertIn("prepare: $(kmem-cache-size-file) $(offsets-file)", out)
        with self.assertRaises(T.TransformError):
            T.static_kbuild("prepare:\n", "Kbuild")

    def test_slub_checks_size_at_build_time(self):
        out = T.static_slub("#include <linux/mm.h>\nint x;\n", "mm/slub.c")
        self.assertIn("static_assert(sizeof(struct kmem_cache_opaque) >= sizeof(struct kmem_cache));", out)


class Variants(unittest.TestCase):
    def setUp(self):
        self.files = {"fs/foo.c": C_SRC, "include/linux/bar.h": HDR, "fs/bar.c":
                      "#include <linux/bar.h>\nstruct kmem_cache *bar_cachep;\nvoid i(void)\n{\n"
                      "\tbar_cachep = KMEM_CACHE(bar, 0);\n}\n",
                      "fs/baz.c": "#include <linux/slab.h>\nstatic struct kmem_cache *baz_cachep;\n"
                      "void i(void)\n{\n\tbaz_cachep = odd_create();\n}\n",
                      T.LDS: LDS, "Kbuild": KBUILD, "mm/slub.c": "#include <linux/mm.h>\n"}
        self.caches = [Cache("foo", "foo_cachep", "fs/foo.c", (), (), False),
                       Cache("bar", "bar_cachep", "fs/bar.c", (), ("include/linux/bar.h",), False),
                       Cache("baz", "baz_cachep", "fs/baz.c", (), (), False),
                       Cache("gone", "gone_cachep", "fs/foo.c", (), (), False)]

    def run_variant(self, v, rc=True):
        return T.variant_files(self.files.get, self.caches, v, rc)

    def test_pointer_is_the_tree(self):
        files, fail, absent = self.run_variant("pointer")
        self.assertEqual(files["fs/foo.c"], C_SRC)
        self.assertEqual(absent, ["gone"])
        self.assertEqual(fail, {})

    def test_a_failing_cache_leaves_the_others(self):
        files, fail, absent = self.run_variant("static")
        self.assertIn("baz", fail)
        self.assertIn("fs/baz.c", fail["baz"])
        self.assertEqual(files["fs/baz.c"], self.files["fs/baz.c"])
        self.assertIn("foo_cachep_opaque", files["fs/foo.c"])
        self.assertIn("KMEM_CACHE_STATIC(bar_cachep, bar, 0)", files["fs/bar.c"])
        self.assertIn("include/linux/slab_static.h", files)
        self.assertIn("mm/kmem_cache_size.c", files)

    def test_macro_users_include_runtime_const(self):
        self.files["fs/user.c"] = "#include <linux/bar.h>\nvoid *u(void)\n{\n\treturn bar_get();\n}\n"
        self.caches[1] = self.caches[1]._replace(users=("fs/user.c",))
        files, fail, _ = self.run_variant("runtime_const")
        self.assertIn("#include <asm/runtime-const.h>", files["fs/user.c"])
        self.assertIn("__kc_bar_cachep()", files["include/linux/bar.h"])
        files, _, _ = self.run_variant("static")
        self.assertEqual(files["fs/user.c"], self.files["fs/user.c"])

    def test_runtime_const_sections_only_for_transformed(self):
        files, fail, _ = self.run_variant("runtime_const")
        self.assertEqual(fail, {})
        self.assertIn("RUNTIME_CONST(ptr, foo_cachep)", files[T.LDS])
        self.assertIn("RUNTIME_CONST(ptr, baz_cachep)", files[T.LDS])

    def test_no_runtime_const_header_means_no_support(self):
        files, fail, _ = self.run_variant("runtime_const", rc=False)
        self.assertEqual(set(fail.values()), {"no kernel support in this tree"})
        self.assertEqual(files["fs/foo.c"], C_SRC)


if __name__ == "__main__":
    unittest.main()
