# SPDX-License-Identifier: GPL-2.0
"""tools/ is one package with arrows one way: the import graph of kcbench
(and the entry points and plots/ that use it) has no cycle, and no file under
tools/ edits sys.path or needs `noqa: E402`."""
import ast
import glob
import os
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U
# one cycle finder for both graph checks: the kernels/ include graph's
from tests.check_kernels_layers import find_cycle  # noqa: E402

TOOLS = os.path.join(U.REPO, "tools")
ENTRY_POINTS = ("report", "compare")  # tools/ scripts without .py


def tools_files():
    files = glob.glob(os.path.join(TOOLS, "**", "*.py"), recursive=True)
    files += [os.path.join(TOOLS, n) for n in ENTRY_POINTS]
    return sorted(f for f in files if not os.path.islink(f))


def module_name(path):
    """tools/kcbench/report/load.py -> kcbench.report.load; plots/ modules
    import each other by bare name; entry points keep their path."""
    if os.path.dirname(path) == os.path.join(U.REPO, "plots"):
        return os.path.basename(path)[:-3]
    rel = os.path.relpath(path, TOOLS)
    if not rel.startswith("kcbench" + os.sep):
        return os.path.relpath(path, U.REPO)
    parts = rel[:-3].split(os.sep)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source, name, is_package, modules):
    """Modules of `modules` that source imports (relative imports resolved)."""
    out = set()
    pkg = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            subs = {f"{mod}.{a.name}" for a in node.names} & modules
            out |= subs or ({mod} & modules)
            if subs and mod in modules and mod != name:
                out.add(mod)  # importing a submodule runs the package too
    out.discard(name)
    return out


def graph(files):
    names = {module_name(f): f for f in files}
    modules = set(names)
    g = {}
    for name, f in names.items():
        with open(f, encoding="utf-8") as fh:
            g[name] = imports(fh.read(), name, f.endswith("__init__.py"), modules)
    return g


class ImportGraph(unittest.TestCase):
    def test_no_cycle(self):
        files = tools_files() + glob.glob(os.path.join(U.REPO, "plots", "*.py"))
        g = graph(files)
        self.assertIn("kcbench.report.load", g)
        self.assertIn("kcbench.results", g["kcbench.report.load"])
        self.assertIsNone(find_cycle(g))

    def test_finds_a_cycle(self):
        self.assertEqual(find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}),
                         ["a", "b", "c", "a"])
        # relative imports resolve: a facts -> build back-arrow is a cycle
        g = {"kcbench.report.build": imports("from .facts import x", "kcbench.report.build",
                                             False, {"kcbench.report.facts"}),
             "kcbench.report.facts": imports("from ..report import build",
                                             "kcbench.report.facts", False,
                                             {"kcbench.report.build", "kcbench.report"})}
        self.assertTrue(find_cycle(g))

    def test_no_path_edits(self):
        for f in tools_files():
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            with self.subTest(f=os.path.relpath(f, U.REPO)):
                self.assertNotIn("sys.path", text)
                self.assertNotIn("noqa: E402", text)


if __name__ == "__main__":
    unittest.main()
