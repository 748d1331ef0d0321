#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""context.pages of a kcb_bench results file names what backs the text
(bench/hugetext.h): under QEMU 4 KiB (emulated); natively with THP on, a
2 MiB THP page or the reason THP gave none.

  tests/check_text_pages.py RESULTS.json native|qemu
Exit 0 when it does, 1 (one line on stderr) when not, 2 on bad arguments.
"""
import json
import re
import sys


def thp_on():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("native", "qemu"):
        print("usage: check_text_pages.py RESULTS.json native|qemu", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1]) as f:
            pages = json.load(f)["context"]["pages"]
    except (OSError, ValueError, KeyError) as e:
        print(f"check_text_pages: {sys.argv[1]}: {e}", file=sys.stderr)
        return 2
    if sys.argv[2] == "qemu":
        want = r"text: 4k \(emulated"
    elif thp_on():
        want = r"text: 2m \(THP, [1-9][0-9]* kB AnonHugePages at 0x[0-9a-f]+\)|text: 4k \(THP gave"
    else:
        want = r"text: 4k \(.+\)"
    if not re.search(want, pages):
        print(f"check_text_pages: context.pages '{pages}' does not match /{want}/", file=sys.stderr)
        return 1
    print(f"context.pages: {pages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
