# SPDX-License-Identifier: GPL-2.0
"""The files the --exec build adds to its work copy of the tree: the
project's KUnit suite (tools/kcbench/kernel/kunit/kcb_slab_kunit.c) as
mm/kcb_slab_kunit.c with its Kconfig symbol and Makefile line, the static
variant's slab_static.h and generated size (transform.py), the in-place
creation (slab_setup.py), and on an arch with asm/runtime-const.h the
linker-script section of the suite's constant."""
import os
import re

from .. import transform
from ..transform import TransformError
from . import slab_setup

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE_SRC = os.path.join(os.path.dirname(HERE), "kunit", "kcb_slab_kunit.c")
SUITE = "kcb_slab"                 # the KUnit suite's name (kunit.filter_glob)
SUITE_FILE = "mm/kcb_slab_kunit.c"
SYMBOL = "KCB_SLAB_KUNIT_TEST"
CONST_VAR = "kcb_cachep"          # the suite's runtime_const pointer
KCONFIG = "mm/Kconfig.debug"
MAKEFILE = "mm/Makefile"
# on top of kunit.py's defaults: Debian 6.12's settings the fast paths read
# (the model's "distro" config; KFENCE stays off: Debian's samples never).
# The UML build leaves cgroups out (so no memcg hooks there): recorded.
OPTIONS = {SYMBOL: "y", "KUNIT": "y", "SLUB": "y", "SLAB_FREELIST_HARDENED": "y",
           "INIT_ON_ALLOC_DEFAULT_ON": "y", "CGROUPS": "y", "MEMCG": "y",
           "PREEMPT_VOLUNTARY": "y"}
UML = "um"   # the kernel's ARCH=um: user-mode Linux on the x86_64 host, not a results arch
NOT_ON = {UML: ("CGROUPS", "MEMCG")}  # by kunit.py --arch
RECORDED = ("SLUB", "SLAB_FREELIST_HARDENED", "INIT_ON_ALLOC_DEFAULT_ON", "MEMCG",
            "PREEMPT_VOLUNTARY", "PREEMPT_DYNAMIC", "SLUB_DEBUG", "KFENCE", "CC_VERSION_TEXT")

_KCONFIG_ENTRY = f"""
config {SYMBOL}
	bool "kcache-bench: real SLUB fast paths, three ways to the cache"
	depends on KUNIT=y && SLUB
	help
	  The project's own KUnit suite (kcache-bench tools/kernel --exec):
	  alloc/free through an __ro_after_init pointer, runtime_const_ptr()
	  and a static instance; ticks or instruction-count windows.
"""


def options(karch):
    """OPTIONS less what the arch cannot have."""
    return {k: v for k, v in OPTIONS.items() if k not in NOT_ON.get(karch, ())}


def kunitconfig(karch):
    """The .kunitconfig text of an arch (kunit.py adds its qemu lines)."""
    return "".join(f"CONFIG_{k}={v}\n" for k, v in options(karch).items())


def files(read, has_runtime_const):
    """{path: text} to install into the work copy; TransformError when the
    tree does not fit (named file and reason)."""
    out = slab_setup.files(read)
    for path in (KCONFIG, MAKEFILE, "Kbuild", "mm/slub.c", transform.LDS):
        if read(path) is None:
            raise TransformError(f"{path}: not in this tree")
    out[KCONFIG] = read(KCONFIG).rstrip("\n") + "\n" + _KCONFIG_ENTRY
    mk = read(MAKEFILE).rstrip("\n") + f"\nobj-$(CONFIG_{SYMBOL}) += kcb_slab_kunit.o\n"
    if has_runtime_const:
        mk += "CFLAGS_kcb_slab_kunit.o += -DKCB_RUNTIME_CONST\n"
        out[transform.LDS] = transform.runtime_const_lds(read(transform.LDS), [CONST_VAR],
                                                          transform.LDS)
    out[MAKEFILE] = mk
    out["Kbuild"] = transform.static_kbuild(read("Kbuild"), "Kbuild")
    out["mm/slub.c"] = transform.static_slub(read("mm/slub.c"), "mm/slub.c")
    out.update(transform.NEW_FILES["static"])
    with open(SUITE_SRC) as f:
        out[SUITE_FILE] = f.read()
    return out


def kunit_capable(read):
    """None when the tree has what the suite needs, else why not."""
    if read("tools/testing/kunit/kunit.py") is None:
        return "no tools/testing/kunit/kunit.py (KUnit's tool)"
    slab = read(slab_setup.SLAB_H) or ""
    if not re.search(r"^struct kmem_cache_args \{", slab, re.M):
        return "no struct kmem_cache_args (the in-place creation needs 6.12 or later)"
    test_h = read("include/kunit/test.h") or ""
    if "kunit_skip" not in test_h or "suite_init" not in test_h:
        return "KUnit too old (no kunit_skip/suite_init)"
    return None
