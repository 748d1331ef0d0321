#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Pack one arch's built bench binary for a lab machine of that arch.

<out>/<arch>/ gets kcb_bench, run.sh (POSIX sh, needs nothing else) and
expected.json (what was built: arch, triple, flags, git revision, sha256), so
the lab's results JSON can be checked against the build it came from and
merged with `tools/report merge`.  The LAVA files (test definition, job
template, the pack as kcb-<arch>.tar.gz) come from kcbench/lab/lava.py.
"""
import hashlib
import os
import subprocess

from kcbench.io import KcbError, Parser, json_text, run, write_atomic
from kcbench.lab import lava
from kcbench.vocab import arch_by_preset

RUNNER = """#!/bin/sh
# kcache-bench lab runner for {arch} ({triple}), built from {git_rev}.
# Usage: ./run.sh [kcb_bench options]   e.g. ./run.sh --quick
# Writes {arch}-<host>.json here; send it back and merge it with:
#   tools/report merge <local-run-dir> <this json> -o <out-dir>
set -e
here=$(cd "$(dirname "$0")" && pwd)
arch=$(uname -m)
case "$arch" in {uname_ok}) ;; *) echo "run.sh: this pack is for {arch} ({uname_ok}), not $arch" >&2; exit 2;; esac
host=$(hostname -s 2>/dev/null || hostname)
KCB_COMMAND="run.sh $*" exec "$here/kcb_bench" --out "$here/{archdir}-$host.json" "$@"
"""

def main(argv):
    ap = Parser(prog="export_lab", description=__doc__.splitlines()[0])
    ap.add_argument("--arch", required=True, help="preset name, e.g. aarch64")
    ap.add_argument("--archdir", required=True, help="arch/ directory name, e.g. arm64")
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    arch = arch_by_preset(a.arch)
    if arch is None:
        raise KcbError(f"unknown arch '{a.arch}'")
    if arch.name != a.archdir:
        raise KcbError(f"--archdir '{a.archdir}' is not {a.arch}'s ({arch.name})")
    uname_ok = "|".join(arch.uname_m)
    binary = os.path.join(a.build, "bench", "kcb_bench")
    if not os.path.isfile(binary):
        raise KcbError(f"{binary} not built: run ./run_all.sh --arch {a.arch} first")
    cache = {}
    try:
        # a foreign byte in a path must not stop the export
        with open(os.path.join(a.build, "CMakeCache.txt"), encoding="utf-8",
                  errors="replace") as f:
            for line in f:
                if "=" in line and ":" in line.split("=", 1)[0]:
                    k, v = line.rstrip("\n").split("=", 1)
                    cache[k.split(":")[0]] = v
        with open(binary, "rb") as f:
            image = f.read()
    except OSError as e:
        raise KcbError(f"cannot read {e.filename}: {e.strerror}") from None
    rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    dest = os.path.join(a.out, a.arch)
    triple = cache.get("KCB_TRIPLE", "unknown")
    expected = {"arch": a.archdir, "preset": a.arch, "triple": triple, "git_rev": rev,
                "flags": cache.get("CMAKE_CXX_FLAGS", ""),
                "kcb_bench_sha256": hashlib.sha256(image).hexdigest(), "uname_m": uname_ok}
    runner = os.path.join(dest, "run.sh")
    bench = os.path.join(dest, "kcb_bench")
    write_atomic({bench: image,
                  os.path.join(dest, "expected.json"): json_text(expected, indent=2),
                  runner: RUNNER.format(arch=a.arch, archdir=a.archdir, triple=triple,
                                        git_rev=rev, uname_ok=uname_ok)})
    for p in (bench, runner):
        os.chmod(p, 0o755)
    lava.write(a.out, a.arch, a.archdir)
    print(f"exported {a.arch}: {dest}/ (kcb_bench, run.sh, expected.json), "
          f"{a.out}/kcb-{a.arch}.tar.gz, {a.out}/lava/ (test definition, job template)")
    return 0


if __name__ == "__main__":
    run("export_lab", main)
