# SPDX-License-Identifier: GPL-2.0
"""What objdump is given to disassemble, so every build decodes alike.

riscv64: GNU objdump decodes by the ISA string of the last mapping symbol
($x<isa>) before an address.  gas emits one per `.option arch` change; clang
16 emits none, so the crt objects' `$xrv64imac...` stay in force and a
Zba/Zbkb instruction of a clang build reads as `.4byte`.  A riscv64 binary is
therefore disassembled from a temporary copy without its `$x` mapping
symbols: objdump then uses the ELF's merged Tag_RISCV_arch, which names every
extension any object was built for (the zba/zbkb variants are compiled with
-march=..._zba / _zbkb).  Code bytes, addresses and other symbols are unchanged.
"""
import os
import subprocess

from ..io import KcbError


def decodable(objdump, path, arch, tmpdir):
    """The path objdump should read for the binary at path; a copy in tmpdir
    where one is needed.  Raises KcbError with a one-line reason."""
    if arch != "riscv64":
        return path
    objcopy = objdump[:-len("objdump")] + "objcopy" if objdump.endswith("objdump") else "objcopy"
    dst = os.path.join(tmpdir, os.path.basename(path))
    try:
        r = subprocess.run([objcopy, "-w", "-N", "$x*", path, dst], capture_output=True, text=True)
    except FileNotFoundError:
        raise KcbError(f"{objcopy} not found") from None
    if r.returncode:
        raise KcbError(f"{objcopy} failed on {path}: {r.stderr.strip().splitlines()[-1:]}")
    return dst
