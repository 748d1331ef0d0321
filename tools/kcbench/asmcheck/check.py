# SPDX-License-Identifier: GPL-2.0
"""run_check.py: FileCheck the asm listing of a build against
tests/asm/<arch>.check; --doctored also proves the check can fail."""
import argparse
import os
import subprocess
import sys

from ..io import KcbError
from ..static.elf import run_objdump
from .listing import reduce_listing, render, symbol_ends

FILECHECK = "/usr/lib/llvm-16/bin/FileCheck"


def doctor(blocks):
    """Replace the first instruction of every runtime_const/projected/static site."""
    changed = 0
    for sym, insns in blocks.items():
        if sym.startswith("kcb_site__") and ("__runtime_const" in sym or "__projected" in sym
                                             or sym.endswith("__static")) and insns:
            insns[0] = "nop"
            changed += 1
    return changed


def filecheck(check, text):
    try:
        res = subprocess.run([FILECHECK, "--dump-input=never", check], input=text,
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit(f"run_check: {FILECHECK} not found")
    return res.returncode, res.stderr


def main(argv=None):
    ap = argparse.ArgumentParser(prog="run_check.py")
    ap.add_argument("--arch", required=True)
    ap.add_argument("--check", required=True)
    ap.add_argument("--objdump")
    ap.add_argument("--binary")
    ap.add_argument("--listing")
    ap.add_argument("--doctored", action="store_true")
    a = ap.parse_args(argv)
    if not os.path.exists(a.check):
        print(f"run_check: no check file {a.check}", file=sys.stderr)
        return 2
    ends = None
    if a.listing:
        if not os.path.exists(a.listing):
            print(f"run_check: no listing {a.listing}", file=sys.stderr)
            return 2
        with open(a.listing) as f:
            text = f.read()
    elif a.objdump and a.binary:
        if not os.path.exists(a.binary):
            print(f"run_check: no binary {a.binary}", file=sys.stderr)
            return 2
        try:
            text = run_objdump(a.objdump, a.binary, a.arch)
            ends = symbol_ends(a.binary)
        except KcbError as e:
            print(f"run_check: {e}", file=sys.stderr)
            return 1
    else:
        print("run_check: give --listing, or --objdump and --binary", file=sys.stderr)
        return 2
    blocks = reduce_listing(text, ends)
    if not blocks:
        print("run_check: no kcb_site__/kcb_callsite__ symbols in the listing", file=sys.stderr)
        return 2
    rc, err = filecheck(a.check, render(blocks))
    if not a.doctored:
        sys.stderr.write(err)
        return rc
    if rc != 0:
        sys.stderr.write(err)
        print("run_check: the clean listing already fails; the doctored test proves nothing",
              file=sys.stderr)
        return 1
    if doctor(blocks) == 0:
        print("run_check: nothing to doctor (no runtime_const/static sites)", file=sys.stderr)
        return 1
    rc, err = filecheck(a.check, render(blocks))
    if rc == 0:
        print("run_check: FileCheck ACCEPTED the doctored listing: the check cannot catch a "
              "changed sequence", file=sys.stderr)
        return 1
    print("run_check: doctored listing rejected, as it must be", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
