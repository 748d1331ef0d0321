# SPDX-License-Identifier: GPL-2.0
"""Build and boot the --exec kernels: one kernel per arch serves every
variant.  KUnit's own tool (tools/testing/kunit/kunit.py build) configures
and builds in build/kernel/exec/obj/<arch>; a stamp of the inputs keeps a
built kernel while nothing changed, so a second run only boots and parses.
UML runs its ./linux natively; the others boot under qemu-system TCG with
the project's instruction-count plugin."""
import hashlib
import json
import os
import shutil
import subprocess
import time

from ... import vocab
from .. import kbuild, tree
from . import suite
from .suite import UML

# arch (results/ name) -> kunit.py --arch, cross prefix, image, qemu, machine,
# console; "um" is UML on x86_64 (timings, not instruction counts).  -cpu max
# as the model's qemu-user default: its features pick the kernel's
# alternatives (x86: cmpxchg16b, not this_cpu_cmpxchg16b_emu as on qemu64;
# arm64: LSE casp and pointer authentication, as kunit.py's arm64 config)
ARCHES = {
    UML: dict(karch=UML, results_arch="x86_64", cross="", image="linux", qemu=None),
    "x86_64": dict(karch="x86_64", results_arch="x86_64", cross="", image="arch/x86/boot/bzImage",
                   qemu=["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-m", "1G"],
                   console="ttyS0", src_arch="x86"),
    "arm64": dict(karch="arm64", results_arch="arm64", cross="aarch64-linux-gnu-",
                  image="arch/arm64/boot/Image",
                  qemu=["qemu-system-aarch64", "-machine", "virt", "-cpu", "max,pauth-impdef=on",
                        "-m", "1G"],
                  console="ttyAMA0", src_arch="arm64"),
    "riscv64": dict(karch="riscv", results_arch="riscv64", cross="riscv64-linux-gnu-",
                    image="arch/riscv/boot/Image",
                    # the model's CPU (vocab: Zba, Zbkb), so runtime_const
                    # takes the same alternative in both
                    qemu=["qemu-system-riscv64", "-machine", "virt", *vocab.ARCHES["riscv64"].qemu_cpu,
                          "-m", "1G", "-bios", "default"],
                    console="ttyS0", src_arch="riscv"),
    "s390x": dict(karch="s390", results_arch="s390x", cross="s390x-linux-gnu-",
                  image="arch/s390/boot/bzImage",
                  qemu=["qemu-system-s390x", "-machine", "s390-ccw-virtio", "-cpu", "qemu", "-m", "1G"],
                  console="ttysclp0", src_arch="s390", text_base="CONFIG_KERNEL_IMAGE_BASE"),
}
JOBS = "2"


class ExecError(Exception):
    """A step of one arch that failed (one line; the log names the rest)."""


def has_runtime_const(src, arch):
    a = ARCHES[arch]
    return "src_arch" in a and os.path.isfile(
        os.path.join(src, "arch", a["src_arch"], "include", "asm", "runtime-const.h"))


def missing_tools(arch):
    """The Debian package an arch lacks (cross compiler, qemu-system), or None."""
    a = ARCHES[arch]
    if a["cross"] and shutil.which(a["cross"] + "gcc") is None:
        return "gcc-" + a["cross"].rstrip("-")
    if a["qemu"] and shutil.which(a["qemu"][0]) is None:
        return {"qemu-system-x86_64": "qemu-system-x86", "qemu-system-aarch64": "qemu-system-arm",
                "qemu-system-riscv64": "qemu-system-misc",
                "qemu-system-s390x": "qemu-system-misc"}[a["qemu"][0]]
    return None


def _key(files, kconfig, arch):
    """What the kernel is built from (not how it is booted)."""
    a = ARCHES[arch]
    text = json.dumps([sorted(files.items()), kconfig, arch, a["karch"], a["cross"], a["image"]])
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _install_changed(work, files):
    """Install only the files whose text differs (unchanged mtimes keep
    make's work small)."""
    changed = {}
    for rel, text in files.items():
        try:
            with open(os.path.join(work, rel), errors="surrogateescape") as f:
                if f.read() == text:
                    continue
        except FileNotFoundError:
            pass
        changed[rel] = text
    tree.install(work, changed)
    return sorted(changed)


def build(arch, src, cache, say, rebuild=False):
    """The arch's kernel, built once per inputs.  Returns (objdir, built:
    bool, seconds, config {name: value})."""
    a = ARCHES[arch]
    read = tree.reader(src)
    why = suite.kunit_capable(read)
    if why:
        raise ExecError(f"tree too old for the suite: {why}")
    rc = has_runtime_const(src, arch)
    files = suite.files(read, rc)
    objdir = os.path.join(cache, "exec", "obj", arch)
    work = os.path.join(cache, "exec", "work", arch, os.path.basename(src.rstrip("/")))
    log = os.path.join(cache, "exec", "obj", f"{arch}.log")
    kconf = suite.kunitconfig(a["karch"])
    key = _key(files, kconf, arch)
    stamp = os.path.join(objdir, ".kcb-exec-built")
    image = os.path.join(objdir, a["image"])
    if not rebuild and os.path.isfile(image) and os.path.isfile(stamp) and open(stamp).read() == key:
        say(f"{arch}: kernel unchanged since its last build (stamp), kept")
        return objdir, False, 0.0, kbuild.read_config(objdir)
    say(f"{arch}: work copy of the tree")
    tree.work_copy(src, work)
    changed = _install_changed(work, files)
    os.makedirs(objdir, exist_ok=True)
    kc = os.path.join(cache, "exec", "obj", f"{arch}.kunitconfig")
    with open(kc, "w") as f:
        f.write(kconf)
    cmd = ["/usr/bin/python3", os.path.join(work, "tools", "testing", "kunit", "kunit.py"), "build",
           "--arch", a["karch"], "--build_dir", objdir, "--kunitconfig", kc, "--jobs", JOBS]
    if a["cross"]:
        cmd += ["--cross_compile", a["cross"]]
    say(f"{arch}: build (kunit.py build, -j{JOBS}; {len(changed)} files installed; minutes)")
    t0 = time.time()
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, cwd=work, stdout=f, stderr=subprocess.STDOUT)
    secs = time.time() - t0
    if r.returncode or not os.path.isfile(image):
        raise ExecError(f"build failed (exit {r.returncode}); see {log}")
    cfg = kbuild.read_config(objdir)
    bad = [k for k, v in suite.options(a["karch"]).items() if cfg.get(k) != v]
    if bad:
        raise ExecError(f"Kconfig refused {', '.join('CONFIG_' + k for k in bad)}; see {log}")
    with open(stamp, "w") as f:
        f.write(key)
    say(f"{arch}: built in {secs:.0f} s")
    return objdir, True, secs, cfg
