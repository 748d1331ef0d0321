# SPDX-License-Identifier: GPL-2.0
"""Every other spelling of an arch, variant, scenario, compiler or unit name
agrees with kcbench/vocab.py: run_all.sh's tables, CMake's _kcb_arch_map,
_real_rc and variant lists, CMakePresets.json (gcc and clang presets),
toolchains/ (gcc and clang files), KCB_COMPILER's values, the C++ variant order
(variant_rank()), scenario list, paired baselines and units, and the names
the Python compares against.  Each check reads text, so a doctored copy
shows that it can fail."""
import ast
import glob
import json
import os
import re
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

from kcbench import vocab as V

ARCHES = list(V.ARCHES.values())


def read(*rel):
    with open(os.path.join(U.REPO, *rel), encoding="utf-8") as f:
        return f.read()


def _want(problems, what, got, want):
    if got != want:
        problems.append(f"{what}: {got!r} != vocab {want!r}")


# ---- run_all.sh -------------------------------------------------------------
def shell_assoc(text, name):
    """declare -A NAME=([k]=v ...) -> {k: v} (values may be quoted)."""
    m = re.search(r"^declare -A " + name + r"=\((.*?)\)$", text, re.M | re.S)
    if not m:
        return None
    return {k: v.strip('"') for k, v in
            re.findall(r'\[(\w+)\]=("[^"]*"|[^\s)]+)', m.group(1))}


def check_run_all(text):
    p = []
    m = re.search(r'^ALL_ARCHES="([^"]*)"', text, re.M)
    _want(p, "run_all.sh ALL_ARCHES", m and m.group(1).split(), [a.preset for a in ARCHES])
    _want(p, "run_all.sh TRIPLE", shell_assoc(text, "TRIPLE"),
          {a.preset: a.triple for a in ARCHES})
    _want(p, "run_all.sh QEMU", shell_assoc(text, "QEMU"),
          {a.preset: a.qemu for a in ARCHES if not a.host_native})
    _want(p, "run_all.sh QEMU_CPU", shell_assoc(text, "QEMU_CPU"),
          {a.preset: " ".join(a.qemu_cpu) for a in ARCHES if a.qemu_cpu})
    _want(p, "run_all.sh ARCHDIR", shell_assoc(text, "ARCHDIR"),
          {a.preset: a.name for a in ARCHES})
    return p


def check_run_all_clang(text):
    """run_all.sh's clang builds: every `(a|b|...)` alternation of preset
    names (the arches it builds with clang) and the preset suffix it adds."""
    p = []
    presets = {a.preset for a in ARCHES}
    want = [b.arch.preset for b in V.BUILDS if b.compiler == V.CLANG]
    alts = [m.split("|") for m in re.findall(r"\((\w+(?:\|\w+)+)\)", text)]
    alts = [a for a in alts if set(a) & presets]
    if not alts:
        p.append("run_all.sh: no (preset|...) alternation for the clang arches")
    for a in alts:
        _want(p, "run_all.sh clang arches", a, want)
    suffixes = set(re.findall(r'CLANG\+=\("\$a(-\w+)"\)', text)) | \
        set(re.findall(r"\$\{c%(-\w+)\}", text))
    _want(p, "run_all.sh clang preset suffix", suffixes, {"-" + V.CLANG})
    return p


# ---- CMake ------------------------------------------------------------------
def cmake_list(text, var):
    """set(var a b c) -> [a, b, c], or None."""
    m = re.search(r"set\(\s*" + var + r"\s+([^)]*)\)", text)
    return m.group(1).split() if m else None


def check_cmake_arch_map(text):
    p = []
    pairs = cmake_list(text, "_kcb_arch_map")
    _want(p, "CMakeLists.txt _kcb_arch_map", pairs and [tuple(x.split(":")) for x in pairs],
          [(a.processor, a.name) for a in ARCHES])
    return p


def check_presets(text):
    """Every vocab build (gcc per arch, clang per CLANG_ARCHES), in order."""
    p = []
    doc = json.loads(text)
    conf = [c for c in doc["configurePresets"] if not c.get("hidden")
            and c["name"] not in V.DERIVED_PRESETS]
    _want(p, "CMakePresets.json configurePresets", [c["name"] for c in conf],
          [b.preset for b in V.BUILDS])
    derived = {c["name"]: c.get("inherits") for c in doc["configurePresets"]
               if c["name"] in V.DERIVED_PRESETS or c.get("inherits") not in (None, "base")}
    _want(p, "CMakePresets.json derived presets", derived, V.DERIVED_PRESETS)
    _want(p, "CMakePresets.json toolchain files",
          {c["name"]: c.get("toolchainFile") for c in conf},
          {b.preset: "${sourceDir}/toolchains/" + b.toolchain for b in V.BUILDS})
    for kind in ("buildPresets", "testPresets"):
        _want(p, f"CMakePresets.json {kind}",
              [(c["name"], c["configurePreset"]) for c in doc[kind]
               if c["name"] not in V.DERIVED_PRESETS],
              [(b.preset, b.preset) for b in V.BUILDS])
        _want(p, f"CMakePresets.json derived {kind}",
              sorted(c["name"] for c in doc[kind] if c["configurePreset"] in V.DERIVED_PRESETS),
              sorted(V.DERIVED_PRESETS))
    return p


def toolchain_facts(text):
    """set(KEY value...) lines of a toolchain file -> {KEY: 'value ...'}."""
    return {k: " ".join(v.split()) for k, v in
            re.findall(r"^set\((\w+)[ \t]*([^)\n]*)\)", text, re.M)}


def check_toolchain(arch, text):
    p = []
    f = toolchain_facts(text)
    want = {"CMAKE_SYSTEM_PROCESSOR": arch.processor, "KCB_TRIPLE": arch.triple,
            "KCB_ARCH": arch.name, "KCB_QEMU": "" if arch.host_native else arch.qemu,
            "KCB_QEMU_CPU": " ".join(arch.qemu_cpu)}
    _want(p, f"toolchains/{arch.triple}.cmake", {k: f.get(k) for k in want}, want)
    return p


def check_compiler_toolchain(build, text):
    """toolchains/<triple>-<compiler>.cmake: sets KCB_COMPILER and includes
    the arch's gcc file (its flags, code model and sysroot)."""
    p = []
    want = {"KCB_COMPILER": build.compiler}
    _want(p, f"toolchains/{build.toolchain}", {k: toolchain_facts(text).get(k) for k in want},
          want)
    inc = re.findall(r"^include\(\$\{CMAKE_CURRENT_LIST_DIR\}/([^)]+)\)", text, re.M)
    _want(p, f"toolchains/{build.toolchain} include", inc, [build.arch.triple + ".cmake"])
    return p


def check_compiler_names(common, cmake_texts):
    """common.cmake's default KCB_COMPILER, and every value a CMake file
    compares KCB_COMPILER with."""
    p = []
    default = re.findall(r"^\s*set\(KCB_COMPILER (\w+)\)", common, re.M)
    _want(p, "toolchains/common.cmake default KCB_COMPILER", default, [V.DEFAULT_COMPILER])
    for t in [common] + list(cmake_texts):
        for c in re.findall(r'KCB_COMPILER STREQUAL "?([\w.+-]+)"?', t):
            if c not in V.COMPILERS:
                p.append(f"CMake compares KCB_COMPILER with unknown compiler {c!r}")
    return p


def check_real_rc(cmake_texts):
    """_real_rc (where the asm-generic fallback is not used) and every
    variant a CMake file builds."""
    p = []
    found = [cmake_list(t, "_real_rc") for t in cmake_texts]
    found = [x for x in found if x is not None]
    _want(p, "CMake _real_rc", found, [[a.name for a in ARCHES if a.real_rc]])
    for t in cmake_texts:
        for m in re.finditer(r"(?:set|list\(APPEND)\(?\s*KCB_VARIANTS\s+([^)$]*)\)", t):
            for v in m.group(1).split():
                if not v.startswith("$") and v not in V.VARIANTS:
                    p.append(f"CMake KCB_VARIANTS: unknown variant {v!r}")
    return p


# ---- C++ --------------------------------------------------------------------
def _cxx_function(text, name):
    m = re.search(r"\b" + name + r"\(const std::string &(\w+)\)\s*\{(.*?)\n\}", text, re.S)
    return (m.group(1), m.group(2)) if m else (None, None)


def variant_ranks(text):
    """Evaluate scenarios.cpp's variant_rank() for every vocab variant, from
    its source: a chain of `if (cond) return expr;` and a final return."""
    var, body = _cxx_function(text, "variant_rank")
    if body is None:
        return None
    rules = re.findall(r"if \((.*?)\)\s*return (.*?);", body, re.S)
    last = re.findall(r"\n\treturn (.*?);", body)

    def cond_true(cond, v):
        cond = re.sub(var + r' == "(\w+)"', lambda m: str(v == m.group(1)), cond)
        cond = re.sub(var + r' != "(\w+)"', lambda m: str(v != m.group(1)), cond)
        cond = re.sub(var + r'\.compare\(0, (\d+), "(\w+)"\) == 0',
                      lambda m: str(v[:int(m.group(1))] == m.group(2)), cond)
        return _safe_eval(cond)

    def rank(v):
        for cond, expr in rules:
            if cond_true(cond, v):
                return cond_true(expr, v)
        return _safe_eval(last[-1]) if last else None
    return {v: rank(v) for v in V.VARIANTS}


def _safe_eval(expr):
    """An integer or boolean C++ expression whose names were all replaced by
    True/False: literals and operators only, else ValueError."""
    expr = expr.replace("&&", " and ").replace("||", " or ")
    ok = {"True", "False", "and", "or", "not", "+", "-", "*", "(", ")", "==", "!=", "<", ">"}
    for tok in re.findall(r"\d+|\w+|==|!=|\S", expr):
        if not tok.isdigit() and tok not in ok:
            raise ValueError(f"cannot evaluate C++ expression {expr!r}")
    return int(eval(expr, {"__builtins__": {}}))


def check_variant_order(text):
    p = []
    ranks = variant_ranks(text)
    if ranks is None:
        return ["bench/scenarios.cpp: no variant_rank()"]
    vs = list(V.VARIANTS)
    for a, b in zip(vs, vs[1:]):
        if ranks[a] > ranks[b]:
            p.append(f"variant_rank(): {a} ({ranks[a]}) sorts after {b} ({ranks[b]}), "
                     "unlike vocab.VARIANTS")
    if ranks[V.POINTER_VARIANT] != min(ranks.values()):
        p.append("variant_rank(): the pointer reference is not first")
    m = re.search(r"kcb_scenario_names\[\] = \{(.*?)\};", text, re.S)
    _want(p, "scenarios.cpp kcb_scenario_names", m and re.findall(r'"(\w+)"', m.group(1)),
          list(V.SCENARIOS))
    m = re.search(r'kcb_upper_bound\[\] =\s*"([^"]*)";', text)
    _want(p, "scenarios.cpp kcb_upper_bound", m and m.group(1), V.UPPER_BOUND)
    return p


def check_configs(text):
    """kernels/include/kconfig.h: the config names, the default first."""
    p = []
    _want(p, "kconfig.h KCB_CONFIG_STR", re.findall(r'#define KCB_CONFIG_STR "(\w+)"', text),
          [c for c in V.CONFIGS if c != V.DEFAULT_CONFIG] + [V.DEFAULT_CONFIG])
    return p


def check_paired_baseline(text):
    """results.cpp: the paired deltas' baseline variant per scenario."""
    m = re.search(r'scenario == "(\w+)" \? "(\w+)" : "(\w+)"', text)
    p = []
    _want(p, "results.cpp paired baseline", m and m.groups(),
          ("static_align", V.STATIC_ALIGN_BASELINE, V.STATIC_VARIANT))
    return p


def check_primary_order(text):
    """results.cpp kcb_primary(): the timing units in vocab.UNITS order."""
    m = re.search(r"kcb_primary\(.*?order\[\] = \{(.*?)\};", text, re.S)
    p = []
    _want(p, "results.cpp kcb_primary() order", m and re.findall(r'"([^"]+)"', m.group(1)),
          [u for u in V.UNITS if u not in V.PERF_UNITS])
    return p


def cxx_units(texts):
    """Unit names the C++ emits: the arch tick units, the counters'
    channels, the calibrated unit."""
    out = set()
    for t in texts:
        out |= set(re.findall(r'#define KCB_TICKS_UNIT "([^"]+)"', t))
        out |= set(re.findall(r'ch_\.push_back\(\{"([^"]+)"', t))
        out |= set(re.findall(r'\bunit = "([^"]+)"', t))
        for pair in re.findall(r'push_back\(\{emulated \? "([^"]+)" : "([^"]+)"', t):
            out |= set(pair)
        m = re.search(r"deflt\[\] = \{(.*?)\};", t)
        if m:
            out |= set(re.findall(r'"([^"]+)"', m.group(1)))
    return out


def check_units(texts):
    p = []
    got = cxx_units(texts)
    for u in sorted(got - set(V.UNITS)):
        p.append(f"the C++ emits unit {u!r}, not in vocab.UNITS")
    for u in sorted(set(V.UNITS) - got):
        p.append(f"vocab unit {u!r} is emitted by no C++ source")
    return p


# ---- Python -----------------------------------------------------------------
NAMES = {"arch": V.ARCH_NAMES, "variant": V.VARIANTS, "model": V.MODELS,
         "scenario": V.SCENARIOS, "fn": V.FNS, "unit": V.UNITS, "compiler": V.COMPILERS}


def _strs(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for e in node.elts for s in _strs(e)]
    return []


def _ident(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _strs(node.slice)[0] if _strs(node.slice) else None
    return None


def check_python(source, name="<source>"):
    """Names compared with a variable called arch/variant/model/scenario/fn/
    unit, and the keys of dicts keyed by such names, must be vocab names."""
    p = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left] + node.comparators
            kinds = {_ident(s) for s in sides} & set(NAMES)
            for kind in kinds:
                for s in sides:
                    for lit in _strs(s):
                        if lit not in NAMES[kind]:
                            p.append(f"{name}:{node.lineno}: {kind} compared with "
                                     f"unknown {lit!r}")
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            for kind in ("arch", "variant", "fn"):
                known = NAMES[kind]
                if len(keys) >= 3 and sum(k in known for k in keys) >= len(keys) - 1:
                    for k in keys:
                        if k not in known:
                            p.append(f"{name}:{node.lineno}: {kind} table key {k!r} "
                                     "is not a vocab name")
    return p


def python_sources():
    files = glob.glob(os.path.join(U.REPO, "tools", "**", "*.py"), recursive=True)
    files += glob.glob(os.path.join(U.REPO, "plots", "*.py"))
    files += [os.path.join(U.REPO, "tools", n) for n in ("report", "compare")]
    return sorted(f for f in files if not f.endswith(os.path.join("kcbench", "vocab.py")))


def bench_cpp():
    """bench/*.cpp as one text: a check does not depend on which file holds
    the function it reads."""
    return "\n".join(read(os.path.relpath(f, U.REPO)) for f in
                     sorted(glob.glob(os.path.join(U.REPO, "bench", "*.cpp"))))


class Vocabulary(unittest.TestCase):
    def test_run_all_tables(self):
        self.assertEqual(check_run_all(read("run_all.sh")), [])

    def test_run_all_clang(self):
        self.assertEqual(check_run_all_clang(read("run_all.sh")), [])

    def test_cmake_arch_map(self):
        self.assertEqual(check_cmake_arch_map(read("CMakeLists.txt")), [])

    def test_presets(self):
        self.assertEqual(check_presets(read("CMakePresets.json")), [])

    def test_toolchains(self):
        names = sorted(os.path.basename(f) for f in
                       glob.glob(os.path.join(U.REPO, "toolchains", "*.cmake")))
        self.assertEqual(names, sorted(["common.cmake"] + [b.toolchain for b in V.BUILDS]))
        for a in ARCHES:
            self.assertEqual(check_toolchain(a, read("toolchains", a.triple + ".cmake")), [])
        for b in V.BUILDS:
            if b.compiler != V.DEFAULT_COMPILER:
                self.assertEqual(check_compiler_toolchain(b, read("toolchains", b.toolchain)), [])

    def test_compiler_asm_checks(self):
        """tests/asm.cmake reads tests/asm/<arch>.<compiler>.check for a
        build by another compiler than gcc: one for every such build."""
        self.assertIn("${KCB_ARCH_DIR}.${KCB_COMPILER}.check", read("tests", "asm.cmake"))
        for b in V.BUILDS:
            if b.compiler != V.DEFAULT_COMPILER:
                path = os.path.join(U.REPO, "tests", "asm", f"{b.arch.name}.{b.compiler}.check")
                self.assertTrue(os.path.isfile(path), f"{b.preset}: no {path}")

    def test_compiler_names(self):
        texts = [read(os.path.relpath(f, U.REPO)) for f in
                 glob.glob(os.path.join(U.REPO, "**", "CMakeLists.txt"), recursive=True)
                 + glob.glob(os.path.join(U.REPO, "*", "*.cmake"))
                 if "/build/" not in f]
        self.assertEqual(check_compiler_names(read("toolchains", "common.cmake"), texts), [])

    def test_configs(self):
        self.assertEqual(check_configs(read("kernels", "include", "kconfig.h")), [])

    def test_real_rc_and_cmake_variants(self):
        texts = [read(os.path.relpath(f, U.REPO)) for f in
                 glob.glob(os.path.join(U.REPO, "**", "CMakeLists.txt"), recursive=True)
                 + glob.glob(os.path.join(U.REPO, "*", "*.cmake"))
                 if "/build/" not in f]
        self.assertEqual(check_real_rc(texts), [])

    def test_cxx_variant_order_and_scenarios(self):
        self.assertEqual(check_variant_order(bench_cpp()), [])

    def test_cxx_paired_baseline(self):
        self.assertEqual(check_paired_baseline(bench_cpp()), [])

    def test_cxx_primary_unit_order(self):
        self.assertEqual(check_primary_order(bench_cpp()), [])

    def test_cxx_units(self):
        srcs = glob.glob(os.path.join(U.REPO, "bench", "*.cpp")) + \
            glob.glob(os.path.join(U.REPO, "arch", "**", "*.h"), recursive=True)
        self.assertEqual(check_units([read(os.path.relpath(f, U.REPO)) for f in srcs]), [])

    def test_python_names(self):
        problems = []
        for f in python_sources():
            with open(f, encoding="utf-8") as fh:
                problems += check_python(fh.read(), os.path.relpath(f, U.REPO))
        self.assertEqual(problems, [])


class DoctoredCopies(unittest.TestCase):
    """Each check rejects a copy with one spelling changed."""

    def test_run_all(self):
        t = read("run_all.sh").replace("[armhf]=arm-linux-gnueabihf", "[armhf]=arm-linux-gnueabi")
        self.assertTrue(check_run_all(t))
        t = read("run_all.sh").replace("[aarch64]=arm64", "[aarch64]=aarch64")
        self.assertTrue(check_run_all(t))

    def test_run_all_clang(self):
        t = read("run_all.sh")
        self.assertTrue(check_run_all_clang(t.replace("^(x86_64|aarch64|riscv64)$",
                                                      "^(x86_64|arm64|riscv64)$")))
        self.assertTrue(check_run_all_clang(t.replace('CLANG+=("$a-clang")',
                                                      'CLANG+=("$a-llvm")')))

    def test_cmake_arch_map(self):
        self.assertTrue(check_cmake_arch_map(read("CMakeLists.txt").replace("mips64:mips64el",
                                                                            "mips64:mips")))

    def test_presets(self):
        self.assertTrue(check_presets(read("CMakePresets.json").replace(
            "toolchains/i686-linux-gnu.cmake", "toolchains/i386-linux-gnu.cmake")))

    def test_toolchain(self):
        a = V.ARCHES["riscv64"]
        t = read("toolchains", a.triple + ".cmake").replace("zbkb=true", "zbkb=false")
        self.assertTrue(check_toolchain(a, t))
        b = next(b for b in V.BUILDS if b.compiler == V.CLANG and b.arch is a)
        t = read("toolchains", b.toolchain)
        self.assertTrue(check_compiler_toolchain(b, t.replace("KCB_COMPILER clang",
                                                              "KCB_COMPILER clang-16")))
        self.assertTrue(check_compiler_toolchain(b, t.replace(a.triple + ".cmake",
                                                              "riscv64-linux-gnu-gcc.cmake")))

    def test_presets_clang(self):
        t = read("CMakePresets.json")
        self.assertTrue(check_presets(t.replace('"aarch64-clang"', '"arm64-clang"')))
        self.assertTrue(check_presets(t.replace("toolchains/riscv64-linux-gnu-clang.cmake",
                                                "toolchains/riscv64-linux-gnu.cmake")))

    def test_compiler_names(self):
        common = read("toolchains", "common.cmake")
        self.assertTrue(check_compiler_names(common.replace('STREQUAL "clang"',
                                                            'STREQUAL "llvm"'), []))
        self.assertTrue(check_compiler_names(common.replace("set(KCB_COMPILER gcc)",
                                                            "set(KCB_COMPILER g++)"), []))
        self.assertTrue(check_compiler_names(common, ['if(KCB_COMPILER STREQUAL "clang-16")']))

    def test_real_rc(self):
        self.assertTrue(check_real_rc(["set(_real_rc x86_64 arm64 riscv64)"]))
        self.assertTrue(check_real_rc(["set(_real_rc x86_64 arm64 riscv64 s390x)\n"
                                       "list(APPEND KCB_VARIANTS runtime_const_zbb)"]))

    def test_variant_order(self):
        t = read("bench", "scenarios.cpp")
        swapped = t.replace('v == "static")\n\t\treturn 5', 'v == "static")\n\t\treturn 0')
        self.assertNotEqual(swapped, t)
        self.assertTrue(check_variant_order(swapped))
        self.assertTrue(check_variant_order(t.replace('"many_caches", "static_align"',
                                                      '"static_align", "many_caches"')))

    def test_paired_baseline(self):
        self.assertTrue(check_paired_baseline(read("bench", "results.cpp").replace(
            '"static_a8" : "static"', '"static_a64" : "static"')))

    def test_primary_order(self):
        self.assertTrue(check_primary_order(
            'kcb_primary(x) { order[] = {"pmu-cycles", "ns", "tsc-ticks"}; }'))

    def test_units(self):
        self.assertTrue(check_units(['#define KCB_TICKS_UNIT "cycle-ticks"']))

    def test_python(self):
        self.assertTrue(check_python('if arch == "aarch64":\n    pass\n'))
        self.assertTrue(check_python('if variant in ("pointer", "runtime-const"):\n    pass\n'))
        self.assertTrue(check_python('X = {"x86_64": 1, "arm64": 2, "riscv": 3}\n'))
        self.assertTrue(check_python('if compiler != "llvm":\n    pass\n'))
        self.assertEqual(check_python('if arch == "arm64" and unit == "ns":\n    pass\n'), [])


if __name__ == "__main__":
    unittest.main()
