# SPDX-License-Identifier: GPL-2.0
"""Load and check the results JSON of one or more runs for tools/report,
tools/compare and plots/.

A run folder holds measured `<arch>-<host>.json`, static `<arch>-static.json`
and optionally `skipped.json` ({"skipped":[{"arch","reason"}]}) and
`kernel/kernel.json` (tools/kernel's results, kind "kernel").  Every other
top-level *.json there must also be a results file: a stray file is an error,
so a half-written or foreign file is never silently left out of a report.
Files are validated with kcbench.results (the schema's reader) and then with
the checks below, which guard what the report code relies on.
"""
import os

from .. import results
from ..io import KcbError, read_json
from ..vocab import ARCH_NAMES, CONFIGS, DEFAULT_COMPILER, compiler_of, order, rank_key

# results written before the config axis measured today's "minimal"
PRE_CONFIG = "minimal"

SKIPPED_FILE = "skipped.json"
# tools/kernel's results inside a run folder (run_all.sh: tools/kernel --out)
KERNEL_FILE = os.path.join("kernel", "kernel.json")
KERNEL_SCHEMA_VERSION = 2  # results/SCHEMA.md, kind "kernel"
# tools/kernel --exec's results (kind "kernel_exec"), beside kernel.json
EXEC_FILE = os.path.join("kernel", "exec.json")
EXEC_SCHEMA_VERSION = 1


def _need(cond, path, what):
    if not cond:
        raise KcbError(f"{path}: wrong schema: {what}")


def _is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _num_or_null(x):
    return x is None or _is_num(x)


def _check_measured(doc, path):
    ctx = doc.get("context")
    _need(isinstance(ctx, dict), path, "'context' is not an object")
    for k in ("host", "arch"):
        _need(isinstance(ctx.get(k), str) and ctx.get(k), path,
              f"context.{k} missing")
    recs = doc.get("records")
    _need(isinstance(recs, list), path, "'records' is not a list")
    for i, r in enumerate(recs):
        where = f"records[{i}]"
        _need(isinstance(r, dict), path, f"{where} is not an object")
        for k in ("model", "scenario", "variant", "primary"):
            _need(isinstance(r.get(k), str), path, f"{where}.{k} missing")
        m = r.get("metrics")
        _need(isinstance(m, dict) and m, path, f"{where}.metrics empty")
        _need(r["primary"] in m, path,
              f"{where}: primary unit '{r['primary']}' not in metrics")
        for unit, v in m.items():
            _need(isinstance(v, dict), path,
                  f"{where}.metrics.{unit} is not an object")
            for k in ("min", "median", "ci95_lo", "ci95_hi"):
                _need(_num_or_null(v.get(k)), path,
                      f"{where}.metrics.{unit}.{k} is not a number")
            s = v.get("samples")
            _need(s is None or _is_num(s) or
                  (isinstance(s, list) and all(_is_num(x) for x in s)),
                  path, f"{where}.metrics.{unit}.samples malformed")


def _check_static(doc, path):
    ctx = doc.get("context")
    _need(isinstance(ctx, dict), path, "'context' is not an object")
    _need(isinstance(ctx.get("arch"), str) and ctx.get("arch"), path,
          "context.arch missing")
    for key, need in (("symbols", ("symbol", "model", "variant")),
                      ("sites", ("model", "variant"))):
        rows = doc.get(key)
        _need(isinstance(rows, list), path, f"'{key}' is not a list")
        for i, r in enumerate(rows):
            _need(isinstance(r, dict), path, f"{key}[{i}] is not an object")
            for k in need:
                _need(isinstance(r.get(k), str), path, f"{key}[{i}].{k} missing")
            for k in ("bytes", "insns"):
                _need(_is_num(r.get(k)), path, f"{key}[{i}].{k} not a number")
    kc = doc.get("sites_kernel_cmodel", [])
    _need(isinstance(kc, list), path, "'sites_kernel_cmodel' is not a list")
    q = doc.get("qemu", {"available": False, "reason": "not recorded"})
    _need(isinstance(q, dict) and isinstance(q.get("available"), bool), path,
          "'qemu.available' missing")
    for i, r in enumerate(q.get("records", []) or []):
        _need(isinstance(r, dict) and _num_or_null(r.get("insns_per_op")),
              path, f"qemu.records[{i}].insns_per_op not a number")
    mca = doc.get("mca", [])
    _need(isinstance(mca, list), path, "'mca' is not a list")
    for i, r in enumerate(mca):
        _need(isinstance(r, dict) and isinstance(r.get("cpu"), str), path,
              f"mca[{i}].cpu missing")


def _check_skipped(doc, path):
    rows = doc.get("skipped") if isinstance(doc, dict) else None
    _need(isinstance(rows, list), path, "'skipped' is not a list")
    for i, r in enumerate(rows):
        _need(isinstance(r, dict) and isinstance(r.get("arch"), str) and
              isinstance(r.get("reason"), str), path,
              f"skipped[{i}] needs 'arch' and 'reason' strings")


def load_file(path):
    """Return ('measured'|'static'|'skipped', doc) or raise KcbError."""
    doc = read_json(path)
    if os.path.basename(path) == SKIPPED_FILE:
        _check_skipped(doc, path)
        return "skipped", doc
    results.validate(doc, path)  # the schema's reader has the first word
    _need(isinstance(doc, dict), path, "top level is not an object")
    ver = doc.get("schema_version")
    _need(ver == results.SCHEMA_VERSION, path,
          f"schema_version {ver!r}, this tool reads {results.SCHEMA_VERSION}")
    kind = doc.get("kind")
    _need(kind in ("measured", "static"), path,
          f"kind {kind!r} (want 'measured' or 'static')")
    # our own checks too: they guard what this code relies on
    (_check_measured if kind == "measured" else _check_static)(doc, path)
    return kind, doc


def _check_kernel(doc, path):
    _need(isinstance(doc, dict), path, "top level is not an object")
    ver = doc.get("schema_version")
    _need(ver == KERNEL_SCHEMA_VERSION, path,
          f"schema_version {ver!r}, this tool reads {KERNEL_SCHEMA_VERSION}")
    _need(doc.get("kind") == "kernel", path, f"kind {doc.get('kind')!r} (want 'kernel')")
    ctx = doc.get("context")
    _need(isinstance(ctx, dict), path, "'context' is not an object")
    for k in ("tree", "version"):
        _need(isinstance(ctx.get(k), str), path, f"context.{k} missing")
    _need(isinstance(ctx.get("objects"), list), path, "context.objects is not a list")
    _need(isinstance(ctx.get("options"), dict), path, "context.options is not an object")
    arches = doc.get("arches")
    _need(isinstance(arches, dict), path, "'arches' is not an object")
    for arch, a in arches.items():
        _need(isinstance(a, dict) and isinstance(a.get("status"), str), path,
              f"arches.{arch}.status missing")
        if a["status"].startswith("FAILED"):
            continue
        caches = a.get("caches")
        _need(isinstance(caches, dict), path, f"arches.{arch}.caches is not an object")
        for name, c in caches.items():
            for v, e in c.items():
                if not isinstance(e, dict) or e.get("status") != "ok":
                    continue
                for k in ("sites", "bytes", "insns"):
                    _need(_is_num(e.get(k)), path,
                          f"arches.{arch}.caches.{name}.{v}.{k} not a number")
                _need(e["sites"] > 0, path, f"arches.{arch}.caches.{name}.{v}.sites is 0")
                _need(isinstance(e.get("list"), list) and all(
                    isinstance(s, dict) and isinstance(s.get("sequence"), str)
                    and _is_num(s.get("bytes")) and _is_num(s.get("insns")) for s in e["list"]),
                    path, f"arches.{arch}.caches.{name}.{v}.list malformed")


def load_exec(path):
    """exec.json of tools/kernel --exec, checked; KcbError if it is not one."""
    doc = read_json(path)
    _need(isinstance(doc, dict) and doc.get("kind") == "kernel_exec", path,
          f"kind {doc.get('kind') if isinstance(doc, dict) else None!r} (want 'kernel_exec')")
    _need(doc.get("schema_version") == EXEC_SCHEMA_VERSION, path,
          f"schema_version {doc.get('schema_version')!r} (this reader: {EXEC_SCHEMA_VERSION})")
    _need(isinstance(doc.get("arches"), dict) and isinstance(doc.get("context"), dict), path,
          "'arches' or 'context' is not an object")
    for arch, a in doc["arches"].items():
        _need(isinstance(a, dict) and isinstance(a.get("status"), str), path,
              f"arches.{arch}.status missing")
    return doc


def load_kernel(path):
    """kernel.json of tools/kernel, checked; KcbError if it is not one."""
    doc = read_json(path)
    _check_kernel(doc, path)
    return doc


def compiler_kind(ctx):
    """The compiler context.compiler names (vocab.COMPILERS); gcc also when
    absent."""
    return compiler_of(ctx.get("compiler"))


class ResultsFile:
    """One results file of one arch, built by one compiler."""

    def __init__(self, path, doc):
        self.path = path
        self.doc = doc
        self.ctx = doc["context"]
        self.arch = self.ctx["arch"]
        self.compiler = compiler_kind(self.ctx)


class Static(ResultsFile):
    """<arch>-static.json: read through .doc."""


class Measured(ResultsFile):
    """<arch>-<host>.json: kcb_bench's records, labelled by host."""

    def __init__(self, path, doc):
        super().__init__(path, doc)
        self.host = self.ctx["host"]
        self.config = self.ctx.get("config", PRE_CONFIG)
        # made unique by Results.add; a build by another compiler than gcc
        # gets its own column; files from before the config axis keep the
        # plain host label
        self.tag = (f" {self.compiler}" if self.compiler != DEFAULT_COMPILER else "") + \
            (f" [{self.config}]" if "config" in self.ctx else "")
        self.label = self.host + self.tag
        self.records = doc["records"]

    @property
    def qemu(self):
        return self.ctx.get("execution") == "qemu"


def _static_facts(doc):
    """The host-independent content, for deciding whether two files agree."""
    return {k: doc.get(k) for k in ("symbols", "sites", "sites_kernel_cmodel",
                                    "qemu", "mca")}


class Results:
    """Everything a report covers, from one or more run folders / files."""

    def __init__(self):
        self.inputs = []
        self.measured = []
        self.static = {}
        self.static_alt = {}  # arch -> {compiler: Static}, compilers other than gcc
        self.skipped = []
        self.warnings = []
        self.incomplete = []  # run folders that lack what a finished run has
        self.kernel = []  # (path, kernel.json) of tools/kernel, per run folder
        self.kernel_exec = []  # (path, exec.json) of tools/kernel --exec

    def add(self, kind, path, doc):
        if kind == "skipped":
            for r in doc["skipped"]:
                if (r["arch"], r["reason"]) not in {(s["arch"], s["reason"])
                                                    for s in self.skipped}:
                    self.skipped.append({"arch": r["arch"],
                                         "reason": r["reason"]})
        elif kind == "static":
            s = Static(path, doc)
            if s.compiler != DEFAULT_COMPILER:
                self.static_alt.setdefault(s.arch, {})[s.compiler] = s
                return
            old = self.static.get(s.arch)
            if old is None:
                self.static[s.arch] = s
            elif _static_facts(old.doc) != _static_facts(doc):
                self.warnings.append(
                    f"static metrics for {s.arch} disagree: {old.path} vs "
                    f"{path}; the report uses {old.path}")
        else:
            m = Measured(path, doc)
            for o in self.measured:
                if o.arch == m.arch and o.doc == m.doc:
                    return  # the same file reached twice: keep one
            same = [o for o in self.measured
                    if o.arch == m.arch and o.host == m.host and o.compiler == m.compiler
                    and o.config == m.config]
            if same:  # same host twice (two runs): keep both, tell apart
                m.label = f"{m.host}#{len(same) + 1}{m.tag}"
            self.measured.append(m)

    def arches(self):
        a = set(self.static) | {m.arch for m in self.measured}
        return order(a, ARCH_NAMES)

    def measured_for(self, arch):
        return [m for m in self.measured if m.arch == arch]

    def skipped_for(self, arch):
        return [s["reason"] for s in self.skipped if s["arch"] == arch]


def _dir_files(d, warnings):
    """The *.json files of a run folder; a *.json that is no file (a
    dangling symlink, a folder) is named in a warning, never skipped
    silently."""
    try:
        names = sorted(os.listdir(d))
    except OSError as e:
        raise KcbError(f"{d}: cannot list: {e.strerror}")
    files = []
    for n in names:
        p = os.path.join(d, n)
        if not n.endswith(".json"):
            continue
        if os.path.isfile(p):
            files.append(p)
        elif os.path.islink(p):
            warnings.append(f"{p}: dangling symlink (to {os.readlink(p)}), "
                            "left out")
        else:
            warnings.append(f"{p}: not a file, left out")
    return files


def _completeness(d, files, res):
    """run_all.sh writes skipped.json once every arch is done, and static
    metrics after each arch's measurement: without them the run was
    interrupted.  Returns what is missing, in words ([] if nothing)."""
    names = {os.path.basename(f) for f in files}
    missing = []
    if SKIPPED_FILE not in names:
        missing.append(f"{SKIPPED_FILE} (written when every arch is done)")
    here = [m for m in res.measured if os.path.dirname(m.path) == d]
    for arch in sorted({m.arch for m in here}):
        if f"{arch}-static.json" not in names and not res.skipped_for(arch):
            missing.append(f"{arch}-static.json (static metrics follow the "
                           "measurement)")
    return missing


def _is_run(files, runs):
    if runs == "auto":  # a folder of lab results holds measured files only
        return any(os.path.basename(f) == SKIPPED_FILE
                   or f.endswith("-static.json") for f in files)
    return runs == "all"


def load(inputs, runs="none"):
    """Load run folders and/or single JSON files into one Results.
    runs: which folders are run_all.sh runs, checked for completeness
    ("all", "auto": those holding static metrics or skipped.json, "none")."""
    res = Results()
    if not inputs:
        raise KcbError("no results folder or file given")
    for inp in inputs:
        is_dir = os.path.isdir(inp)
        if is_dir:
            files = _dir_files(inp, res.warnings)
            if not [f for f in files if os.path.basename(f) != SKIPPED_FILE]:
                raise KcbError(f"{inp}: no results JSON in this folder "
                                  "(empty run?)")
        elif os.path.isfile(inp):
            files = [inp]
        else:
            raise KcbError(f"{inp}: no such file or folder")
        res.inputs.append(inp)
        for f in files:
            kind, doc = load_file(f)
            res.add(kind, f, doc)
        kpath = os.path.join(inp, KERNEL_FILE) if is_dir else None
        if kpath and os.path.exists(kpath):
            res.kernel.append((kpath, load_kernel(kpath)))
        epath = os.path.join(inp, EXEC_FILE) if is_dir else None
        if epath and os.path.exists(epath):
            res.kernel_exec.append((epath, load_exec(epath)))
        missing = (_completeness(inp, files, res)
                   if is_dir and _is_run(files, runs) else [])
        if missing:
            res.incomplete.append(inp)
            res.warnings.append(f"INCOMPLETE RUN {inp}: missing "
                                + "; ".join(missing)
                                + ": the run was interrupted or failed")
    arch_rank = rank_key(ARCH_NAMES)
    cfg_rank = rank_key(CONFIGS)
    res.measured.sort(key=lambda m: (arch_rank(m.arch), m.arch,
                                     m.compiler != DEFAULT_COMPILER, cfg_rank(m.config)))
    return res
