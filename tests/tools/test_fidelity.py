# SPDX-License-Identifier: GPL-2.0
"""docs/FIDELITY.md: every model file:function of the fidelity table names a
function that file defines, so the table cannot drift from the code."""
import os
import re
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(REPO, "docs", "FIDELITY.md")
MODEL_COL = 2  # step | kernel | model | same? | why


def model_refs(text):
    """(file, function) of every table row's model column."""
    out = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or cells[0] in ("step", "") or set(cells[0]) <= set("-"):
            continue
        path, _, fn = cells[MODEL_COL].partition(":")
        out.append((path, fn))
    return out


def defines(text, fn):
    """A definition of fn: its name (or KCB_CFG(name), kernels/include/kconfig.h),
    then a parameter list, then a body."""
    name = rf"(?:\b{re.escape(fn)}|KCB_CFG\({re.escape(fn)}\))"
    return re.search(rf"{name}\s*\([^;{{]*\)\s*(const\s*)?\{{", text) is not None


def problems(text, repo=REPO):
    out = []
    refs = model_refs(text)
    if not refs:
        return ["no table rows"]
    for path, fn in refs:
        full = os.path.join(repo, path)
        if not fn:
            out.append(f"{path}: no ':function'")
        elif not os.path.isfile(full):
            out.append(f"{path}: no such file")
        elif not defines(open(full).read(), fn):
            out.append(f"{path}: does not define {fn}()")
    return out


class FidelityTable(unittest.TestCase):
    def test_model_column_points_at_functions(self):
        with open(DOC) as f:
            self.assertEqual(problems(f.read()), [])

    def test_check_catches_a_stale_row(self):
        bad = ("| step | kernel | model | same? | why |\n|---|---|---|---|---|\n"
               "| x | mm/slub.c:f | kernels/slab.h:kcb_no_such_function | same | |\n"
               "| y | mm/slub.c:f | kernels/no_such_file.cpp:f | same | |\n")
        self.assertEqual(len(problems(bad)), 2)


if __name__ == "__main__":
    unittest.main()
