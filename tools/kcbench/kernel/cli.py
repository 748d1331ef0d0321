# SPDX-License-Identifier: GPL-2.0
"""tools/kernel: build the real call sites three ways per arch, measure
them, write kernel.json (results/SCHEMA.md, kind "kernel") and the
real-kernel report section (kernel.md, kernel.txt).

Exit: 0 done; 1 an arch or object failed (the rest is reported);
2 bad arguments, no usable tree, or an output directory that cannot be
written (one line on stderr; --out is checked before any build)."""
import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import statistics
import sys
import time

from .. import io
from . import caches as C
from . import kbuild, measure, module, report, sites, transform, tree
from ..report.load import KERNEL_SCHEMA_VERSION as SCHEMA_VERSION
from ..report.views.kernel import model_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
UNITS = {"bytes": "bytes of the instructions that materialise the cache address (objdump)",
         "insns": "those instructions, counted in the disassembly",
         "mca-cycles(<cpu>)": "llvm-mca-16: cycles per iteration of the site's block (100 iterations)",
         "bloat": "scripts/bloat-o-meter of the tree: symbol size deltas in bytes, variant minus pointer"}


def say(msg):
    print(f"[kernel] {msg}", flush=True)


def write_atomic(path, text):
    """One file through the package's writer (kcbench/io.py); its OSError
    comes back as OSError, which the callers here handle."""
    try:
        io.write_atomic({path: text})
    except io.KcbError as e:
        raise OSError(str(e)) from None


def cache_symbols(cache, variant):
    return [cache.var + "_opaque"] if variant == "static" else [cache.var]


VMLINUX = ("not linked: a defconfig vmlinux per arch and variant compiles the whole config "
           "and does not fit the 10-minute budget for 4 arches on 2 cores (README: Speed, "
           "measured); the figures come from the call sites' objects")

# bump when the analysis changes, so cached figures are recomputed
ANALYSIS_VERSION = 6


def _fingerprint(arch, outroot, extra):
    """The objects' paths, sizes and mtimes, the analysis version, extra."""
    parts = [str(ANALYSIS_VERSION), json.dumps(extra, sort_keys=True)]
    for variant in transform.VARIANTS:
        for obj in C.objects():
            p = os.path.join(outroot, arch, variant, obj)
            if os.path.isfile(p):
                st = os.stat(p)
                parts.append(f"{variant}/{obj}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def analyse_arch(arch, src, outroot, build_res, failures, absent):
    """Figures for one arch, reused from analysis.json while the objects
    are unchanged (a report-only run then takes seconds)."""
    fp = _fingerprint(arch, outroot, [build_res, failures, absent])
    cache = os.path.join(outroot, arch, "analysis.json")
    try:
        with open(cache) as f:
            old = json.load(f)
        if old.get("fingerprint") == fp:
            say(f"{arch}: figures unchanged since the last analysis (analysis.json)")
            return old["caches"], old["bloat"]
    except (OSError, ValueError):
        pass
    caches, bloat = _analyse_arch(arch, src, outroot, build_res, failures, absent)
    write_atomic(cache, json.dumps(dict(fingerprint=fp, caches=caches, bloat=bloat)))
    return caches, bloat


def _analyse_arch(arch, src, outroot, build_res, failures, absent):
    """Sites, llvm-mca and bloat-o-meter on build/kernel/out/<arch>/<variant>."""
    a = kbuild.ARCHES[arch]
    objdump = kbuild.tool(arch, "objdump")
    per_cache = {c.name: dict(var=c.var, module=c.module, absent=c.name in absent,
                              object=c.defined_in[:-2] + ".o") for c in C.CACHES}
    for variant in transform.VARIANTS:
        vdir = os.path.join(outroot, arch, variant)
        if not os.path.isdir(vdir):
            continue
        say(f"{arch} {variant}: call sites, llvm-mca")
        found = {}
        for obj in C.objects():
            path = os.path.join(vdir, obj)
            if not os.path.isfile(path):
                continue
            here = [c for c in C.CACHES if obj[:-2] + ".c" in (c.defined_in,) + tuple(c.users)]
            if not here:
                continue
            res, listing = sites.find_sites(arch, path, objdump,
                                            {c.name: cache_symbols(c, variant) for c in here})
            blocks = []
            for cname, lst in res.items():
                for n, s in enumerate(lst):
                    sect, first, last = s.pop("index")
                    s["object"] = obj
                    s["sequence"] = sites.sequence(s)
                    name = f"{cname}.{obj.replace('/', '.')}.{n}"
                    s["_mca"] = name
                    blocks.append((name, measure.block(arch, listing[sect], first, last)))
                found.setdefault(cname, []).extend(lst)
            m = measure.mca(arch, a["mca_triple"], a["mca_cpu"], blocks)
            for lst in res.values():
                for s in lst:
                    r = m.get(s.pop("_mca"), {})
                    s["mca_cycles"] = r.get("cycles_per_iteration")
                    if r.get("error"):
                        s["mca_error"] = r["error"]
        for c in C.CACHES:
            entry = per_cache[c.name]
            why = failures.get(variant, {}).get(c.name)
            objerr = build_res.get(variant, {}).get(c.defined_in[:-2] + ".o")
            lst = found.get(c.name, [])
            if entry["absent"]:
                entry[variant] = dict(status="not in this tree")
            elif why:
                entry[variant] = dict(status=why)
            elif objerr:
                entry[variant] = dict(status=f"build failed: {objerr}")
            elif not lst:
                entry[variant] = dict(status="no call site compiled in this config")
            else:
                seqs = {}
                for s in lst:
                    seqs[s["sequence"]] = seqs.get(s["sequence"], 0) + 1
                cyc = [s["mca_cycles"] for s in lst if s.get("mca_cycles") is not None]
                entry[variant] = dict(status="ok", sites=len(lst),
                                      bytes=sum(s["bytes"] for s in lst),
                                      insns=sum(s["insns"] for s in lst),
                                      sequences=seqs,
                                      mca_cycles_median=statistics.median(cyc) if cyc else None,
                                      list=lst)
    bloat = {}
    base = os.path.join(outroot, arch, "pointer")
    todo = [(v, kind, text_only, obj) for v in ("runtime_const", "static")
            if os.path.isdir(os.path.join(outroot, arch, v))
            for kind, text_only in (("all", False), ("text", True)) for obj in C.objects()
            if os.path.isfile(os.path.join(base, obj))
            and os.path.isfile(os.path.join(outroot, arch, v, obj))]
    say(f"{arch}: bloat-o-meter, {len(todo)} object pairs")
    # each run is a python3 + two nm: two at a time (the -j2 of the build)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        got = list(ex.map(lambda j: measure.bloat(src, a["cross"], os.path.join(base, j[3]),
                                                  os.path.join(outroot, arch, j[0], j[3]), j[2]),
                          todo))
    for (v, kind, _, obj), b in zip(todo, got):
        entry = bloat.setdefault(v, dict(baseline="pointer"))
        e = entry.setdefault(kind, dict(objects={}, up=0, down=0, net=0))
        e["objects"][obj] = b
        for k in ("up", "down", "net"):
            e[k] += b.get(k, 0)
    return per_cache, bloat


def _inputs_key(files, remove, cfg, extra=""):
    """What a variant's objects are built from, besides the untouched
    tree: its files, the files it drops, the .config (compiler included),
    extra (the test module's source)."""
    text = json.dumps([sorted(files.items()), sorted(remove), sorted(cfg.items()), C.objects(),
                       extra])
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _built_before(outdir, key):
    """The variant's recorded build result when its inputs are unchanged
    and every object it built is still there, else None."""
    try:
        with open(os.path.join(outdir, "inputs.json")) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return None
    if old.get("key") != key:
        return None
    res = old.get("objects") or {}
    if any(why is None and not os.path.isfile(os.path.join(outdir, o)) for o, why in res.items()):
        return None
    return res


def _module_before(outdir, key):
    """The variant's recorded test module result while its inputs (the
    variant's and the module's source) are unchanged and its object is
    still there, else None."""
    try:
        with open(os.path.join(outdir, "inputs.json")) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return None
    mod = old.get("module")
    if old.get("module_key") != key or not mod:
        return None
    if mod.get("object") and not os.path.isfile(os.path.join(outdir, mod["object"])):
        return None
    return mod


def build_arch(arch, src, work, cache, outroot, read, rebuild=False):
    """Prepare once, then each variant's files installed and objects built;
    a variant whose inputs did not change since its last build is kept."""
    objdir = os.path.join(cache, "obj", arch)
    log = os.path.join(cache, "obj", f"{arch}.log")
    t0 = time.time()
    cfg = kbuild.prepare(arch, work, objdir, log, say)
    timings = dict(prepare=round(time.time() - t0, 1),
                   modules_prepare=round(module.modules_prepare(arch, work, objdir, log, say), 1))
    rc = kbuild.has_runtime_const(src, arch)
    build_res, mod_res, failures, absent = {}, {}, {}, []
    every_new = set(p for v in transform.NEW_FILES.values() for p in v)
    for variant in transform.VARIANTS:
        files, fail, absent = transform.variant_files(read, C.CACHES, variant, rc)
        failures[variant] = fail
        for name, why in fail.items():
            if why != "no kernel support in this tree":
                print(f"tools/kernel: {arch} {variant}: {name}: {why}", file=sys.stderr)
        if variant == "runtime_const" and not rc:
            build_res[variant] = {}
            continue
        remove = sorted(every_new - set(files))
        outdir = os.path.join(outroot, arch, variant)
        key = _inputs_key(files, remove, cfg)
        mkey = _inputs_key(files, remove, cfg, module.source_text())
        old = None if rebuild else _built_before(outdir, key)
        oldmod = None if rebuild else _module_before(outdir, mkey)
        if old is not None and oldmod is not None:
            say(f"{arch} {variant}: unchanged since its last build (inputs.json), kept")
            build_res[variant], mod_res[variant] = old, oldmod
            continue
        tree.install(work, files, remove)
        t0 = time.time()
        vlog = os.path.join(cache, "obj", f"{arch}-{variant}.log")
        if old is None:
            build_res[variant] = kbuild.build_objects(arch, variant, work, objdir, C.objects(),
                                                      outdir, vlog, say)
            timings[f"objects {variant}"] = round(time.time() - t0, 1)
        else:
            say(f"{arch} {variant}: objects unchanged (inputs.json), kept")
            build_res[variant] = old
        mod_res[variant] = oldmod or module.build(arch, variant, work, objdir,
                                                  os.path.join(cache, "mod", arch, variant),
                                                  outdir, vlog, say)
        timings[f"module {variant}"] = mod_res[variant]["seconds"]
        write_atomic(os.path.join(outdir, "inputs.json"), json.dumps(dict(
            key=key, objects=build_res[variant], module_key=mkey, module=mod_res[variant])))
        say(f"{arch} {variant}: built in {time.time() - t0:.0f} s")
    return cfg, rc, build_res, mod_res, failures, absent, timings


def _forget_builds(cache, outroot):
    """A new work copy: the prepared trees (keyed by the work path) and the
    objects under this tree's name may come from another source tree of
    the same name; build them again."""
    for arch in kbuild.ARCHES:
        stale = [os.path.join(cache, "obj", arch, kbuild.PREPARED_STAMP)]
        stale += [os.path.join(outroot, arch, v, "inputs.json") for v in transform.VARIANTS]
        for p in stale:
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass


def model_sites(arch):
    """The model's call-site figures from results/baseline/<arch>-static.json."""
    path = os.path.join(ROOT, "results", "baseline", f"{arch}-static.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    return model_of(doc, os.path.relpath(path, ROOT))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="tools/kernel", description=__doc__.splitlines()[0])
    ap.add_argument("--kernel-tree", help="a Linux source tree (default: Debian's linux-source-6.12)")
    ap.add_argument("--arch", help="comma list (default: all four; --exec: um,x86_64,arm64)")
    ap.add_argument("--exec", action="store_true",
                    help="run the real mm/slub.c in the project's KUnit suite: UML timings, "
                         "qemu-system TCG instruction counts (kernel/exec/)")
    ap.add_argument("--model-run", help="--exec: the model's run folder to compare the UML "
                                        "timings with (default: the newest under results/runs)")
    ap.add_argument("--out", help="output directory (default: results/runs/kernel-<stamp>)")
    ap.add_argument("--report-only", action="store_true",
                    help="no build: measure the cached objects and write the report")
    ap.add_argument("--rebuild", action="store_true",
                    help="build every variant again (a variant is kept while its transformed "
                         "files and .config are unchanged; edits elsewhere in the tree need this)")
    ap.add_argument("--cache", default=os.path.join(ROOT, "build", "kernel"))
    args = ap.parse_args(argv)
    arches = [a for a in (args.arch or ",".join(kbuild.ARCHES)).split(",") if a]
    bad = [a for a in arches if a not in kbuild.ARCHES]
    if bad and not args.exec:
        print(f"tools/kernel: unknown arch {bad[0]} (known: {', '.join(kbuild.ARCHES)})", file=sys.stderr)
        return 2
    if args.out and io.writable_dir_problem(args.out):
        print(f"tools/kernel: --out {args.out}: {io.writable_dir_problem(args.out)}", file=sys.stderr)
        return 2
    t0 = time.time()
    try:
        # a tree given is checked first: bad input is named before anything
        # else is asked of the machine
        if args.kernel_tree:
            if not os.path.isdir(args.kernel_tree):
                raise tree.TreeError(f"{args.kernel_tree}: no such directory")
            src = os.path.realpath(args.kernel_tree)
            origin = f"--kernel-tree {src}"
            version = tree.check_tree(src)
        missing = kbuild.missing_packages(tree.DEB_PACKAGE)
        if missing:
            print("tools/kernel: missing packages; as root run: apt-get install -y --no-install-recommends "
                  + " ".join(missing), file=sys.stderr)
            return 2
        if not args.kernel_tree:
            src = tree.debian_tree(args.cache, say)
            origin = f"Debian {tree.DEB_PACKAGE}"
            version = tree.check_tree(src)
    except tree.TreeError as e:
        print(f"tools/kernel: {e}", file=sys.stderr)
        return 2
    if args.exec:
        from .exec.run import run_exec
        return run_exec(args, src, origin, version, ROOT, argv if argv is not None else sys.argv[1:])
    name = os.path.basename(src.rstrip("/"))
    outroot = os.path.join(args.cache, "out", name)
    work = os.path.join(args.cache, "work", name)
    read = tree.reader(src)
    doc = dict(schema_version=SCHEMA_VERSION, kind="kernel",
               context=dict(tree=origin, version=version,
                            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                            command="tools/kernel " + " ".join(argv if argv is not None else sys.argv[1:]),
                            options=dict(kbuild.OPTIONS, **kbuild.SPEED_OPTIONS),
                            objects=C.objects(), units=UNITS, vmlinux=VMLINUX),
               arches={})
    rc = 0
    if not args.report_only:
        try:
            if tree.work_copy(src, work):
                _forget_builds(args.cache, outroot)
        except tree.TreeError as e:
            print(f"tools/kernel: {e}", file=sys.stderr)
            return 2
    for arch in arches:
        entry = dict(mca_cpu=kbuild.ARCHES[arch]["mca_cpu"], model=model_sites(arch))
        doc["arches"][arch] = entry
        try:
            cross = kbuild.missing_cross(arch)
            if cross and not args.report_only:
                raise kbuild.BuildError(f"{arch}: missing package {cross}")
            if args.report_only:
                state = os.path.join(outroot, arch, "build.json")
                if not os.path.isfile(state):
                    raise kbuild.BuildError(f"{arch}: nothing built yet (run without --report-only)")
                with open(state) as f:
                    st = json.load(f)
                cfg, has_rc, build_res, mod_res, failures, absent = (
                    st["config"], st["runtime_const"], st["objects"], st.get("module", {}),
                    st["failures"], st["absent"])
                timings = {}
            else:
                (cfg, has_rc, build_res, mod_res, failures, absent,
                 timings) = build_arch(arch, src, work, args.cache, outroot, read, args.rebuild)
                write_atomic(os.path.join(outroot, arch, "build.json"), json.dumps(dict(
                    config=cfg, runtime_const=has_rc, objects=build_res, module=mod_res,
                    failures=failures, absent=absent)))
        except (kbuild.BuildError, OSError) as e:
            print(f"tools/kernel: {e}", file=sys.stderr)
            entry["status"] = f"FAILED: {e}"
            rc = 1
            continue
        entry["config"] = {k: cfg.get(k, "n") for k in kbuild.RECORDED}
        entry["runtime_const"] = "supported" if has_rc else "no kernel support in this tree"
        entry["objects"] = build_res
        entry["transform_failures"] = {v: {k: w for k, w in f.items()
                                           if w != "no kernel support in this tree"}
                                       for v, f in failures.items()}
        t1 = time.time()
        entry["caches"], entry["bloat"] = analyse_arch(arch, src, outroot, build_res, failures, absent)
        names = next(c for c in C.CACHES if c.name == module.CACHE)
        entry["module"] = module.facts(arch, src, outroot, mod_res,
                                       lambda v: cache_symbols(names, v))
        timings["analysis"] = round(time.time() - t1, 1)
        entry["timings_s"] = timings
        say(f"{arch}: seconds per step: " + ", ".join(f"{k} {v}" for k, v in timings.items()))
        entry["status"] = "ok"
        if any(entry["transform_failures"].values()):
            entry["status"] = "partial: a transform did not fit (transform_failures)"
            rc = 1
        for v, objs in build_res.items():
            for o, why in objs.items():
                if why and o not in C.MODULE_OBJECTS or (why and v != "runtime_const"):
                    entry["status"] = "partial: some objects failed"
                    rc = 1
    out = args.out or os.path.join(ROOT, "results", "runs",
                                   "kernel-" + datetime.datetime.utcnow().strftime("%Y%m%d-%H%M%S"))
    md, txt = report.render(doc)
    # the three together: a failure leaves none of them half-written
    try:
        io.write_atomic({os.path.join(out, "kernel.json"): json.dumps(doc, indent=1) + "\n",
                         os.path.join(out, "kernel.md"): md, os.path.join(out, "kernel.txt"): txt})
    except io.KcbError as e:
        print(f"tools/kernel: {e}", file=sys.stderr)
        return 2
    say(f"done in {time.time() - t0:.0f} s: {out}/kernel.md {out}/kernel.txt {out}/kernel.json")
    return rc
