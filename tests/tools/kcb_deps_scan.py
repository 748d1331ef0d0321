# SPDX-License-Identifier: GPL-2.0
"""Find the programs the project's scripts and CMake files call, and check
them against tools/deps/debian.list (used by tests/tools/test_deps.py).

What counts as a call:
  shell (run_all.sh, .ci/run, tools/baseline, make recipes): the word in
    command position, with $VAR resolved from the file's own assignments;
  python (tools/, plots/, bench/): the program of subprocess.*, os.exec*
    and shutil.which, resolved through the file's own assignments;
  CMake: COMMAND <prog>, find_program(), the compilers, the presets'
    generator ("Unix Makefiles" runs make);
  everywhere: a code word that names a tool family (qemu-*, llvm-*,
    FileCheck, <triple>-objdump, ...).
A name built on a triple ("${KCB_TRIPLE}-objdump", info["triple"] +
"-objdump") is checked for every toolchains/<triple>.cmake.  Words that are
not resolvable ($1, a parameter) are not guessed at.
"""
import ast
import fnmatch
import glob
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
from kcbench.deps import DEPS, load_list  # noqa: E402,F401  (the one reader of the list)
SCOPES = ("required", "optional", "kernel", "ci", "base")

SHELL_BUILTINS = set("""
. : [ [[ ]] alias bg break builtin caller case cd command compgen complete continue
declare dirs disown do done echo elif else enable esac eval exec exit export false fc
fg fi for function getopts hash help history if in jobs kill let local logout mapfile
popd printf pushd pwd read readarray readonly return select set shift shopt source
suspend test then time times trap true type typeset ulimit umask unalias unset until
wait while { } !
""".split())
PREFIXES = {"exec", "command", "time", "!", "if", "then", "else", "elif", "do", "while",
            "until", "env", "timeout", "nohup"}
FAMILY = re.compile(r"^(qemu-[a-z0-9_]+|FileCheck|llvm-[a-z][a-z0-9-]*|"
                    r"/usr/lib/llvm-[0-9]+/bin/[A-Za-z0-9_.-]+|"
                    r"\*-(objdump|gcc|g\+\+|as|ld|readelf|nm))$")
NOT_PROGRAMS = {"qemu-insns"}  # a unit (results/SCHEMA.md) that looks like a tool
PROGRAM = re.compile(r"^[A-Za-z0-9_.+*/-]+$")
SUBPROCESS_FUNCS = {"run", "Popen", "call", "check_call", "check_output"}


def triples():
    # <triple>-clang.cmake is the same triple built by clang-16
    return sorted(os.path.basename(p)[:-len(".cmake")]
                  for p in glob.glob(os.path.join(REPO, "toolchains", "*-*.cmake"))
                  if not p.endswith("-clang.cmake"))


def covered(name, rows):
    """A called name is covered by a row's command or path: exactly, by its
    basename, or as a glob pattern ('*/FileCheck')."""
    provides = [p for r in rows for p in r[1] if not p.startswith("py:")]
    for p in provides:
        if name == p or (not name.startswith("/") and os.path.basename(p) == name):
            return True
        if "*" in name and (fnmatch.fnmatchcase(p, name) or fnmatch.fnmatchcase(os.path.basename(p), name)):
            return True
    return False


def expand(name):
    """'*-objdump' -> one name per triple; a relative path (a project file) -> none."""
    if name.startswith("*-"):
        return [t + name[1:] for t in triples()]
    if "/" in name and not name.startswith(("/", "*")):
        return []
    if name.strip("*/") == "":
        return []
    return [name]


# ---- shell ----
def _matching(text, i, open_, close):
    """Index just past the bracket that closes text[i] (== open_)."""
    depth, q = 0, None
    while i < len(text):
        c = text[i]
        if q:
            if c == q:
                q = None
            elif c == "\\" and q == '"':
                i += 1
        elif c in "'\"":
            q = c
        elif c == "\\":
            i += 1
        elif c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def shell_segments(text):
    """-> [[word, ...]] for every simple command (command substitutions too)."""
    segs, words, cur, q, i = [], [], "", None, 0

    def end_word():
        nonlocal cur
        if cur:
            words.append(cur)
        cur = ""

    def end_seg():
        nonlocal words
        end_word()
        if words:
            segs.append(words)
        words = []

    while i < len(text):
        c = text[i]
        if q == "'":
            cur += c
            q = None if c == "'" else q
            i += 1
            continue
        if c == "\\":
            cur += text[i:i + 2]
            i += 2
            continue
        if text.startswith("$((", i):
            j = _matching(text, i + 1, "(", ")")
            cur += "$ARITH"
            i = j
            continue
        if text.startswith("$(", i):
            j = _matching(text, i + 1, "(", ")")
            segs.extend(shell_segments(text[i + 2:j - 1]))
            cur += "$SUB"
            i = j
            continue
        if c == "`":
            j = text.find("`", i + 1)
            j = len(text) if j < 0 else j
            segs.extend(shell_segments(text[i + 1:j]))
            cur += "$SUB"
            i = j + 1
            continue
        if text.startswith("${", i):
            j = _matching(text, i + 1, "{", "}")
            cur += text[i:j]
            i = j
            continue
        if q == '"':
            cur += c
            q = None if c == '"' else q
            i += 1
            continue
        if c in "'\"":
            q = c
            cur += c
            i += 1
            continue
        if not cur and c == "#":
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
            continue
        if not cur and text.startswith("((", i):
            i = _matching(text, i, "(", ")")
            continue
        if not cur and text.startswith("[[", i):  # a test: only its $(...) run
            j = text.find("]]", i)
            j = len(text) if j < 0 else j + 2
            k = text.find("$(", i, j)
            while k >= 0:
                e = _matching(text, k + 1, "(", ")")
                if not text.startswith("$((", k):
                    segs.extend(shell_segments(text[k + 2:e - 1]))
                k = text.find("$(", e, j)
            i = j
            continue
        if c == "&" and (cur.endswith((">", "<")) or text.startswith("&>", i)):
            cur += c  # >&2, &>file: a redirection
            i += 1
            continue
        if c == "(" and cur.endswith("="):  # NAME=(a b c): one word
            j = _matching(text, i, "(", ")")
            cur += text[i:j]
            i = j
            continue
        if c in ";|&()\n" or (c in "{}" and not cur):
            end_seg()
            i += 1
            continue
        if c in " \t":
            end_word()
            i += 1
            continue
        cur += c
        i += 1
    end_seg()
    return segs


def _unquote(w):
    return w.replace('"', "").replace("'", "")


def shell_vars(text):
    """NAME=value and NAME=(a b [k]=c) assignments -> {NAME: [values]}."""
    out = {}
    for m in re.finditer(r"(?m)^\s*(?:(?:declare|local|export|readonly)(?:\s+-\w+)*\s+)?"
                         r"([A-Za-z_]\w*)=(\([^)]*\)|\S*)", text):
        val = m.group(2)
        if val.startswith("("):
            vals = [_unquote(v.split("=", 1)[-1]) for v in val[1:-1].split()]
        else:
            vals = [_unquote(val)]
        out.setdefault(m.group(1), []).extend(vals)
    return out


CASE_PATTERN = re.compile(r"(?m)^(\s*)\(?[^\s()'\"]+(\|[^\s()'\"]+)*\)(?=\s|$)")


def shell_programs(text):
    """-> set of program names (globs for unresolved triples) a shell text runs."""
    text = CASE_PATTERN.sub(r"\1", text)
    funcs = set(re.findall(r"(?m)^\s*([A-Za-z_][\w-]*)\s*\(\)\s*\{", text))
    var = shell_vars(text)
    found = set()
    for words in shell_segments(text):
        k = 0
        while k < len(words):  # skip assignments, keywords and prefixes
            w = words[k]
            if re.match(r"^[A-Za-z_]\w*(\[[^]]*\])?\+?=", w) or w in PREFIXES or \
                    (k and words[k - 1] in ("env", "timeout") and (w.startswith("-") or w[0].isdigit())):
                if w in ("env", "timeout", "nohup"):
                    found.add(w)
                k += 1
                continue
            break
        if k < len(words):
            found |= _shell_word(words[k], var, funcs)
        for w in words:  # tool families anywhere in the code
            for part in _unquote(w).split("="):
                name = re.sub(r"\$\{[^}]*\}", "*", part)
                if FAMILY.match(name) and name not in NOT_PROGRAMS:
                    found.add(name)
    return found


def _shell_word(w, var, funcs):
    w = _unquote(w)
    m = re.fullmatch(r"\$\{?([A-Za-z_]\w*)(\[[^]]*\])?\}?", w)
    if m:
        return {v for v in var.get(m.group(1), []) if PROGRAM.match(v) and "$" not in v}
    name = re.sub(r"\$\{[^}]*\}", "*", w)
    if "$" in name or name in SHELL_BUILTINS or name in funcs or name.startswith("-") or \
            not PROGRAM.match(name):
        return set()
    return {name}


def make_programs(text):
    """Makefile: its recipe lines, make variables substituted."""
    var = {k: v for k, v in re.findall(r"(?m)^(\w+)\s*[?:]?=\s*(\S.*)$", text) if not v.startswith("$(")}
    recipes = "\n".join(l[1:] for l in text.splitlines() if l.startswith("\t"))
    recipes = re.sub(r"\$\((\w+)\)", lambda m: var.get(m.group(1), "MAKEVAR").split()[0], recipes)
    return shell_programs(recipes.replace("$@", "OUT").replace("$<", "IN"))


# ---- python ----
class _PyScan(ast.NodeVisitor):
    def __init__(self, tree):
        self.assign = {}  # name -> [value nodes]: the module's, then each function's
        for node in tree.body:
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        self.assign.setdefault(t.id, []).append(node.value)
        self.found = set()

    def resolve(self, node, depth=0):
        """-> set of strings, '*' for what cannot be known."""
        if depth > 8:
            return {"*"}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Name) and node.id in self.assign:
            out = set()
            for v in self.assign[node.id]:
                out |= self.resolve(v, depth + 1)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return {a + b for a in self.resolve(node.left, depth + 1)
                    for b in self.resolve(node.right, depth + 1)}
        if isinstance(node, ast.JoinedStr):
            return {"".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)}
        return {"*"}

    def argv0(self, node, depth=0):
        """The program of an argv expression: [prog, ...] (+ more)."""
        if depth > 8:
            return {"*"}
        if isinstance(node, (ast.List, ast.Tuple)):
            return self.resolve(node.elts[0]) if node.elts else set()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.argv0(node.left, depth + 1)
        if isinstance(node, ast.Name) and node.id in self.assign:
            out = set()
            for v in self.assign[node.id]:
                out |= self.argv0(v, depth + 1)
            return out
        return self.resolve(node)

    def visit_FunctionDef(self, node):
        outer = self.assign
        self.assign = dict(outer)  # the function's own assignments win
        for n in ast.walk(node):
            if isinstance(n, ast.Assign):
                for t in n.targets:
                    if isinstance(t, ast.Name) and t.id in outer and self.assign[t.id] is outer[t.id]:
                        self.assign[t.id] = []
        for n in ast.walk(node):
            if isinstance(n, ast.Assign):
                for t in n.targets:
                    if isinstance(t, ast.Name):
                        self.assign.setdefault(t.id, []).append(n.value)
        self.generic_visit(node)
        self.assign = outer

    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and node.args and (
                (f.value.id == "subprocess" and f.attr in SUBPROCESS_FUNCS) or
                (f.value.id == "shutil" and f.attr == "which") or
                (f.value.id == "os" and f.attr.startswith(("exec", "spawn")))):
            first = self.argv0(node.args[0]) if f.attr in SUBPROCESS_FUNCS else self.resolve(node.args[0])
            for name in first:
                name = re.sub(r"\*+", "*", name)
                name = "*-" + name.split("-", 1)[1] if re.match(r"^\*-", name) else name
                if PROGRAM.match(name):
                    self.found.add(name)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and FAMILY.match(node.value) and node.value not in NOT_PROGRAMS:
            self.found.add(node.value)


def python_programs(text):
    tree = ast.parse(text)
    scan = _PyScan(tree)
    scan.visit(tree)
    return scan.found


# ---- CMake ----
def cmake_programs(text, targets):
    text = re.sub(r"#[^\n]*", "", text)
    var = {}
    for name, vals in re.findall(r"\bset\(\s*(\w+)\s+([^)]*)\)", text):
        var.setdefault(name, vals.split())
    found = set()
    for w in re.findall(r"\bCOMMAND\s+([^\s)]+)", text):
        m = re.fullmatch(r"\$\{(\w+)\}", w)
        if m:
            w = {"CMAKE_COMMAND": "cmake", "CMAKE_CTEST_COMMAND": "ctest"}.get(
                m.group(1), (var.get(m.group(1)) or ["$"])[0])
        if "$" in w or w in targets:
            continue
        found.add(w.strip('"'))
    for args in re.findall(r"\bfind_program\(\s*\w+\s+([^)]*)\)", text):
        words = [a for a in args.split() if a not in ("NAMES", "REQUIRED")]
        found.update(w for w in words if not w.isupper() and "/" not in w)
    for w in re.findall(r"\$\{KCB_TRIPLE\}-([\w+]+)", text):
        found.add("*-" + w)
    for w in re.findall(r"[^\s()\"]+", text):
        if FAMILY.match(w):
            found.add(w)
    return found


def presets_programs(text):
    gens = {p.get("generator") for p in json.loads(text).get("configurePresets", [])}
    return {{"Unix Makefiles": "make", "Ninja": "ninja"}.get(g, g) for g in gens if g}


# ---- the whole tree ----
def sources():
    """-> [(relpath, kind)] of every file the scan reads."""
    out = [("run_all.sh", "shell"), (".ci/run", "shell"), ("CMakePresets.json", "presets")]
    for p in sorted(glob.glob(os.path.join(REPO, "tools", "**", "*"), recursive=True)):
        rel = os.path.relpath(p, REPO)
        if not os.path.isfile(p):
            continue
        if p.endswith(".py"):
            out.append((rel, "python"))
        elif os.path.basename(p) == "Makefile":
            out.append((rel, "make"))
        elif p.endswith(".cmake") or os.path.basename(p) == "CMakeLists.txt":
            out.append((rel, "cmake"))
        elif "." not in os.path.basename(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                first = f.readline()
            if first.startswith("#!") and "python" in first:
                out.append((rel, "python"))
            elif first.startswith("#!") and "sh" in first:
                out.append((rel, "shell"))
    for pat in ("plots/*.py", "bench/*.py"):
        out += [(os.path.relpath(p, REPO), "python") for p in sorted(glob.glob(os.path.join(REPO, pat)))]
    for pat in ("CMakeLists.txt", "*/CMakeLists.txt", "*.cmake", "*/*.cmake"):
        for p in sorted(glob.glob(os.path.join(REPO, pat))):
            rel = os.path.relpath(p, REPO)
            if not rel.startswith(("build", "tools")):
                out.append((rel, "cmake"))
    return out


def called_programs():
    """-> {name: [files]} for every program the tree calls."""
    texts = {}
    for rel, _ in sources():
        with open(os.path.join(REPO, rel), encoding="utf-8") as f:
            texts[rel] = f.read()
    targets = set()
    for rel, kind in sources():
        if kind == "cmake":
            targets |= set(re.findall(r"\badd_(?:executable|library)\(\s*(\w+)", texts[rel]))
    scan = {"shell": shell_programs, "python": python_programs, "make": make_programs,
            "presets": presets_programs, "cmake": lambda t: cmake_programs(t, targets)}
    found = {}
    for rel, kind in sources():
        for name in scan[kind](texts[rel]):
            for n in expand(name):
                found.setdefault(n, []).append(rel)
    return found


def uncovered(rows):
    """-> {name: [files]} of the called programs no row covers."""
    return {n: f for n, f in called_programs().items() if not covered(n, rows)}
