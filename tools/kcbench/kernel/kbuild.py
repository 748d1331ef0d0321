# SPDX-License-Identifier: GPL-2.0
"""Kbuild per arch: defconfig plus the options that matter, prepare (cached
in the O= directory), then only the call sites' objects and mm/slub.o."""
import os
import re
import shutil
import subprocess
import time

from .. import deps

# arch (results/ name) -> kernel ARCH, cross prefix, defconfig target,
# llvm-mca triple and CPU, runtime_const instruction count per site
ARCHES = {
    "x86_64": dict(karch="x86", cross="", defconfig="x86_64_defconfig",
                   mca_triple="x86_64-linux-gnu", mca_cpu="skylake"),
    "arm64": dict(karch="arm64", cross="aarch64-linux-gnu-", defconfig="defconfig",
                  mca_triple="aarch64-linux-gnu", mca_cpu="neoverse-n1"),
    "s390x": dict(karch="s390", cross="s390x-linux-gnu-", defconfig="defconfig",
                  mca_triple="s390x-linux-gnu", mca_cpu="z15"),
    "riscv64": dict(karch="riscv", cross="riscv64-linux-gnu-", defconfig="defconfig",
                    mca_triple="riscv64-linux-gnu", mca_cpu="sifive-u74"),
}
# the options the figures depend on: set on top of defconfig, recorded as built
OPTIONS = {"SLUB": "y", "MEMCG": "y", "KFENCE": "y", "SLAB_FREELIST_HARDENED": "y",
           "UFS_FS": "m"}
# and for speed: no debug info (arm64's and s390's defconfigs have it).  -g
# does not change the code GCC emits; it costs compile time, and an s390x
# object's debug relocations outnumber its text's a hundred to one
SPEED_OPTIONS = {"DEBUG_INFO_NONE": "y", "DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT": "n",
                 "DEBUG_INFO_DWARF4": "n", "DEBUG_INFO_DWARF5": "n"}
SCRIPTS_CONFIG = {"y": "--enable", "m": "--module", "n": "--disable"}
RECORDED = ("SLUB", "MEMCG", "KFENCE", "SLAB_FREELIST_HARDENED", "UFS_FS",
            "CC_VERSION_TEXT", "VMAP_STACK", "PREEMPT_DYNAMIC", "INIT_ON_ALLOC_DEFAULT_ON")
JOBS = "-j2"


# the rows of tools/deps/debian.list this mode needs (Kbuild's host tools
# and headers are the "kernel" rows); the tree's own package is handled by
# tree.py (installed tarball, or apt-get download)
DEPS_SCOPES = ("required", "kernel")


def missing_packages(tree_package):
    return deps.missing(DEPS_SCOPES, skip=(tree_package,))


def missing_cross(arch):
    """The Debian cross compiler package an arch lacks, or None."""
    cross = ARCHES[arch]["cross"]
    if cross and shutil.which(cross + "gcc") is None:
        return "gcc-" + cross.rstrip("-")
    return None


class BuildError(Exception):
    """A step that failed (one line; the log names the rest)."""


def tool(arch, name):
    return ARCHES[arch]["cross"] + name


def has_runtime_const(src, arch):
    return os.path.isfile(os.path.join(src, "arch", ARCHES[arch]["karch"], "include", "asm",
                                       "runtime-const.h"))


def make_cmd(arch, work, objdir, *targets):
    a = ARCHES[arch]
    cmd = ["make", "-C", work, f"O={objdir}", f"ARCH={a['karch']}"]
    if a["cross"]:
        cmd.append(f"CROSS_COMPILE={a['cross']}")
    return cmd + list(targets)


def _run(cmd, log, where):
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode:
        raise BuildError(f"{where} failed (exit {r.returncode}); see {log}")


def read_config(objdir):
    cfg = {}
    try:
        with open(os.path.join(objdir, ".config")) as f:
            for line in f:
                m = re.match(r"^CONFIG_(\w+)=(.*)$", line.strip())
                n = re.match(r"^# CONFIG_(\w+) is not set$", line.strip())
                if m:
                    cfg[m.group(1)] = m.group(2).strip('"')
                elif n:
                    cfg[n.group(1)] = "n"
    except FileNotFoundError:
        pass
    return cfg


PREPARED_STAMP = ".kcb-prepared"


def prepare(arch, work, objdir, log, say):
    """defconfig + OPTIONS + prepare, once per (tree, arch): the stamp holds
    the work tree's source and the options."""
    options = dict(OPTIONS, **SPEED_OPTIONS)
    key = f"{os.path.realpath(work)} {sorted(options.items())}"
    stamp = os.path.join(objdir, PREPARED_STAMP)
    if os.path.isfile(stamp) and open(stamp).read() == key:
        return read_config(objdir)
    os.makedirs(objdir, exist_ok=True)
    open(log, "w").close()
    t0 = time.time()
    say(f"{arch}: defconfig + {', '.join(f'{k}={v}' for k, v in options.items())}")
    _run(make_cmd(arch, work, objdir, ARCHES[arch]["defconfig"]), log, f"{arch} defconfig")
    sc = [os.path.join(work, "scripts", "config"), "--file", os.path.join(objdir, ".config")]
    for k, v in options.items():
        sc += [SCRIPTS_CONFIG[v], k]
    _run(sc, log, f"{arch} scripts/config")
    _run(make_cmd(arch, work, objdir, "olddefconfig"), log, f"{arch} olddefconfig")
    cfg = read_config(objdir)
    bad = [k for k, v in options.items() if cfg.get(k, "n") != v]
    if bad:
        raise BuildError(f"{arch}: the tree's Kconfig refused {', '.join(bad)}; see {log}")
    say(f"{arch}: configured in {time.time() - t0:.1f} s; make modules_prepare (once per arch)")
    t0 = time.time()
    # modules_prepare: prepare + scripts/module.lds, for the test module (M=);
    # a make of its own after prepare took 6-9 s more per arch
    _run(make_cmd(arch, work, objdir, JOBS, "modules_prepare"), log, f"{arch} modules_prepare")
    say(f"{arch}: modules_prepare {time.time() - t0:.1f} s")
    with open(stamp, "w") as f:
        f.write(key)
    return cfg


def build_objects(arch, variant, work, objdir, objs, outdir, log, say):
    """Build objs in objdir (make -k, so one failing object keeps the rest),
    copy each to outdir.  Returns {obj: None or the first error line}."""
    for o in objs:
        try:
            os.unlink(os.path.join(objdir, o))
        except FileNotFoundError:
            pass
    cmd = make_cmd(arch, work, objdir, JOBS, "-k", *objs)
    errors = {}
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace")
        for line in p.stdout:
            f.write(line)
            m = re.match(r"^\s+CC \[?M?\]?\s+(\S+\.o)$", line)
            if m:
                say(f"{arch} {variant}: {m.group(1)}")
            e = re.match(r"^([\w/.-]+\.[ch]):\d+:\d+: (?:fatal )?error: (.*)$", line)
            if e:
                errors.setdefault(e.group(1), line.strip())
        p.wait()
    os.makedirs(outdir, exist_ok=True)
    res = {}
    for o in objs:
        built = os.path.join(objdir, o)
        dst = os.path.join(outdir, o)
        if os.path.isfile(built):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(built, dst + ".tmp")
            os.replace(dst + ".tmp", dst)
            res[o] = None
        else:
            try:
                os.unlink(dst)
            except FileNotFoundError:
                pass
            src = o[:-2] + ".c"
            why = next((v for k, v in errors.items() if k.endswith(src)), None)
            res[o] = why or next(iter(errors.values()), f"not built; see {log}")
    return res
