# SPDX-License-Identifier: GPL-2.0
"""The kernel tree: Debian's linux-source-6.12 fetched with apt-get download
and extracted once under build/kernel/, or a tree the user names; a
hardlinked work copy whose transformed files are replaced (written to a new
file and renamed), so the original tree is never written."""
import glob
import os
import shutil
import subprocess

DEB_PACKAGE = "linux-source-6.12"
# the package's tarball when it is installed (run_all.sh kernel installs it)
INSTALLED_TARBALL = os.path.join("/usr/src", DEB_PACKAGE + ".tar.xz")


class TreeError(Exception):
    """A missing or broken tree (one line)."""


def check_tree(path):
    """A usable Linux source tree: Makefile with VERSION, Kbuild, no
    in-tree build (O= needs a clean source tree)."""
    mk = os.path.join(path, "Makefile")
    if not os.path.isfile(mk) or not os.path.isfile(os.path.join(path, "Kbuild")):
        raise TreeError(f"{path}: not a Linux source tree (no Makefile/Kbuild)")
    ver = {}
    with open(mk, errors="replace") as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() in ("VERSION", "PATCHLEVEL", "SUBLEVEL"):
                ver[k.strip()] = v.strip()
            if len(ver) == 3:
                break
    if len(ver) < 2:
        raise TreeError(f"{path}/Makefile: no VERSION/PATCHLEVEL")
    if os.path.exists(os.path.join(path, ".config")):
        raise TreeError(f"{path}: has an in-tree .config; run 'make mrproper' in a copy or pass a clean tree")
    return "{}.{}.{}".format(ver["VERSION"], ver["PATCHLEVEL"], ver.get("SUBLEVEL", "0"))


def debian_tree(cache, log):
    """build/kernel/tree/linux-source-6.12, fetched and extracted once."""
    tree = os.path.join(cache, "tree", DEB_PACKAGE)
    if os.path.isfile(os.path.join(tree, ".kcb-extracted")):
        return tree
    xz = INSTALLED_TARBALL if os.path.isfile(INSTALLED_TARBALL) else _downloaded(cache, log)
    log(f"extracting {os.path.basename(xz)} (about 20 s)")
    tmp = tree + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    r = subprocess.run(["tar", "-xJf", xz, "-C", tmp], capture_output=True, text=True)
    top = os.path.join(tmp, DEB_PACKAGE)
    if r.returncode or not os.path.isdir(top):
        raise TreeError(f"cannot extract {xz}: {r.stderr.strip()[-200:]}")
    shutil.rmtree(tree, ignore_errors=True)
    os.rename(top, tree)
    shutil.rmtree(tmp, ignore_errors=True)
    open(os.path.join(tree, ".kcb-extracted"), "w").close()
    return tree


def _downloaded(cache, log):
    """The tarball from apt-get download, unpacked under build/kernel/deb."""
    debdir = os.path.join(cache, "deb")
    os.makedirs(debdir, exist_ok=True)
    debs = glob.glob(os.path.join(debdir, DEB_PACKAGE + "_*.deb"))
    if not debs:
        log(f"fetching {DEB_PACKAGE} (apt-get download, ~154 MB)")
        r = subprocess.run(["apt-get", "download", DEB_PACKAGE], cwd=debdir,
                           capture_output=True, text=True)
        debs = glob.glob(os.path.join(debdir, DEB_PACKAGE + "_*.deb"))
        if r.returncode or not debs:
            why = (r.stderr.strip().splitlines() or ["no .deb written"])[-1]
            raise TreeError(f"apt-get download {DEB_PACKAGE} failed: {why} (or pass --kernel-tree DIR)")
    xz = os.path.join(debdir, "usr", "src", DEB_PACKAGE + ".tar.xz")
    if not os.path.isfile(xz):
        r = subprocess.run(f"dpkg-deb --fsys-tarfile '{sorted(debs)[-1]}' | tar -x -C '{debdir}' ./usr/src/",
                           shell=True, capture_output=True, text=True)
        if r.returncode or not os.path.isfile(xz):
            raise TreeError(f"cannot unpack {debs[-1]}: {r.stderr.strip()[-200:]}")
    return xz


def work_copy(src, work):
    """A hardlinked copy of src at work (made once per source tree).
    Returns True when it made one (anything built from an earlier source
    under the same name is stale), False when the copy was there."""
    stamp = os.path.join(work, ".kcb-source")
    real = os.path.realpath(src)
    if os.path.isfile(stamp):
        with open(stamp) as f:
            if f.read() == real:
                return False
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.dirname(work), exist_ok=True)
    r = subprocess.run(["cp", "-al", real, work], capture_output=True, text=True)
    if r.returncode:  # another file system: a real copy
        shutil.rmtree(work, ignore_errors=True)
        r = subprocess.run(["cp", "-a", real, work], capture_output=True, text=True)
        if r.returncode:
            raise TreeError(f"cannot copy {src} to {work}: {r.stderr.strip()[-200:]}")
    with open(stamp, "w") as f:
        f.write(real)
    return True


def reader(src):
    """read(path) -> the original tree's text, None when absent."""
    def read(rel):
        try:
            with open(os.path.join(src, rel), errors="surrogateescape") as f:
                return f.read()
        except FileNotFoundError:
            return None
    return read


def install(work, files, remove=()):
    """Write each file as a new inode (never through a hardlink) and drop
    the paths in remove; a fresh mtime makes make rebuild what uses it."""
    for rel, text in files.items():
        dst = os.path.join(work, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)  # a new file's folder
        tmp = dst + ".kcb-tmp"
        with open(tmp, "w", errors="surrogateescape") as f:
            f.write(text)
        os.replace(tmp, dst)
    for rel in remove:
        try:
            os.unlink(os.path.join(work, rel))
        except FileNotFoundError:
            pass
