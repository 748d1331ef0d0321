# SPDX-License-Identifier: GPL-2.0
"""FileCheck checks (tests/kernel/<arch>.check, one prefix per variant) on
the real kernel objects that ./run_all.sh kernel built and cached under
build/kernel/out/<tree>/<arch>/<variant>/: each transform applied, compiled
and produced the expected address form; the test module's object per
variant (module/kcb_cachemod.o), or the build error it must give.  Skips, with the reason, when no
build is cached (a build takes minutes)."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools"))
from kcbench.kernel import kbuild, module, transform  # noqa: E402

FILECHECK = "/usr/lib/llvm-16/bin/FileCheck"
OUT = os.environ.get("KCB_KERNEL_OUT", os.path.join(REPO, "build", "kernel", "out", "linux-source-6.12"))
OBJECT = "fs/namespace.o"  # alloc_vfsmnt: kmem_cache_zalloc(mnt_cache, GFP_KERNEL)


# a module whose runtime_const site does not compile: the error the real
# build must give (6.12: x86's asm/runtime-const.h refuses MODULE builds)
MODULE_ERROR = {("x86_64", "runtime_const"): "Cannot use runtime-const infrastructure from modules"}


class KernelObjects(unittest.TestCase):
    def state(self, arch, variant):
        state = os.path.join(OUT, arch, "build.json")
        if not os.path.isfile(state):
            self.skipTest(f"skip: no cached kernel build for {arch} ({OUT}); run ./run_all.sh kernel")
        with open(state) as f:
            st = json.load(f)
        if variant == "runtime_const" and not st["runtime_const"]:
            self.skipTest(f"skip: {arch}: no kernel support in this tree (no asm/runtime-const.h)")
        return st

    def filecheck(self, arch, obj, prefix):
        dis = subprocess.run([kbuild.tool(arch, "objdump"), "-h", "-dr", "-w", "--no-show-raw-insn", obj],
                             capture_output=True, text=True)
        self.assertEqual(dis.returncode, 0, dis.stderr)
        fc = subprocess.run([FILECHECK, os.path.join(REPO, "tests", "kernel", f"{arch}.check"),
                             f"--check-prefix={prefix}"], input=dis.stdout,
                            capture_output=True, text=True)
        self.assertEqual(fc.returncode, 0, f"{arch} {prefix}:\n{fc.stderr[-3000:]}")

    def check(self, arch, variant):
        st = self.state(arch, variant)
        obj = os.path.join(OUT, arch, variant, OBJECT)
        self.assertTrue(os.path.isfile(obj), f"{arch} {variant}: {OBJECT} not built: "
                        f"{st['objects'].get(variant, {}).get(OBJECT)}")
        self.filecheck(arch, obj, variant.upper())

    def check_module(self, arch, variant):
        """The test module's object (M=), or the build error it must give."""
        st = self.state(arch, variant)
        res = (st.get("module") or {}).get(variant)
        if res is None:
            self.skipTest(f"skip: {arch} {variant}: the cached build has no test module (rebuild)")
        want = MODULE_ERROR.get((arch, variant))
        if want:
            self.assertIsNone(res.get("object"), f"{arch} {variant}: the module built")
            self.assertIn(want, res.get("error") or "")
            return
        self.assertTrue(res.get("object"), f"{arch} {variant}: module not built: {res.get('error')}")
        self.filecheck(arch, os.path.join(OUT, arch, variant, module.OBJECT), "MODULE_" + variant.upper())


def _add(arch, variant):
    setattr(KernelObjects, f"test_{arch}_{variant}", lambda self: self.check(arch, variant))
    setattr(KernelObjects, f"test_{arch}_{variant}_module", lambda self: self.check_module(arch, variant))


for _a in kbuild.ARCHES:
    for _v in transform.VARIANTS:
        _add(_a, _v)

if __name__ == "__main__":
    unittest.main()
