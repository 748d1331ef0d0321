# SPDX-License-Identifier: GPL-2.0
"""tools/kernel: build the real call sites three ways per arch, measure
them, write kernel.json (results/SCHEMA.md, kind "kernel") and the
real-kernel report section (kernel.md, kernel.txt).

Exit: 0 done; 1 an arch or object failed (the rest is reported);
2 bad arguments or no usable tree (one line on stderr)."""
import argparse
import datetime
import hashlib
import json
import os
import statistics
import sys
import time

from . import caches as C
from . import kbuild, measure, report, sites, transform, tree
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
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def cache_symbols(cache, variant):
    return [cache.var + "_opaque"] if variant == "static" else [cache.var]


# bump when the analysis changes, so cached figures are recomputed
ANALYSIS_VERSION = 5


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
    for variant in ("runtime_const", "static"):
        vdir = os.path.join(outroot, arch, variant)
        if not os.path.isdir(vdir):
            continue
        say(f"{arch} {variant}: bloat-o-meter")
        entry = dict(baseline="pointer")
        for kind, text_only in (("all", False), ("text", True)):
            objs, tot = {}, dict(up=0, down=0, net=0)
            for obj in C.objects():
                o, n = os.path.join(base, obj), os.path.join(vdir, obj)
                if os.path.isfile(o) and os.path.isfile(n):
                    b = measure.bloat(src, a["cross"], o, n, text_only)
                    objs[obj] = b
                    for k in tot:
                        tot[k] += b.get(k, 0)
            entry[kind] = dict(objects=objs, **tot)
        bloat[variant] = entry
    return per_cache, bloat


def module_facts(arch, src, outroot, build_res):
    """Why runtime_const cannot serve a module in this tree, from the tree
    and the objects (fs/ufs/super.o built with -DMODULE)."""
    hdr = os.path.join(src, "arch", kbuild.ARCHES[arch]["karch"], "include", "asm", "runtime-const.h")
    text = open(hdr).read() if os.path.isfile(hdr) else ""
    facts = dict(header_refuses_modules="#ifdef MODULE" in text and "#error" in text)
    loader = []
    mdir = os.path.join(src, "kernel", "module")
    for f in sorted(os.listdir(mdir)) if os.path.isdir(mdir) else []:
        if f.endswith(".c") and "runtime_const" in open(os.path.join(mdir, f), errors="replace").read():
            loader.append(f)
    facts["module_loader_patches_runtime_const"] = bool(loader)
    facts["runtime_const_build"] = build_res.get("runtime_const", {}).get(C.MODULE_OBJECTS[0])
    rc_obj = os.path.join(outroot, arch, "runtime_const", C.MODULE_OBJECTS[0])
    if os.path.isfile(rc_obj):
        from elftools.elf.elffile import ELFFile
        with open(rc_obj, "rb") as f:
            st = ELFFile(f).get_section_by_name(".symtab")
            facts["undefined_linker_symbols"] = sorted(
                s.name for s in st.iter_symbols()
                if s["st_shndx"] == "SHN_UNDEF" and s.name.startswith(("__start_runtime_", "__stop_runtime_")))
    st_obj = os.path.join(outroot, arch, "static", "fs/dcache.o")
    if os.path.isfile(st_obj):
        from elftools.elf.elffile import ELFFile
        with open(st_obj, "rb") as f:
            st = ELFFile(f).get_section_by_name(".symtab")
            facts["exported_static_instance"] = sorted(
                s.name for s in st.iter_symbols() if "names_cachep_opaque" in s.name and s.name.startswith("__"))
    return facts


def _inputs_key(files, remove, cfg):
    """What a variant's objects are built from, besides the untouched
    tree: its files, the files it drops, the .config (compiler included)."""
    text = json.dumps([sorted(files.items()), sorted(remove), sorted(cfg.items()), C.objects()])
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


def build_arch(arch, src, work, cache, outroot, read, rebuild=False):
    """Prepare once, then each variant's files installed and objects built;
    a variant whose inputs did not change since its last build is kept."""
    objdir = os.path.join(cache, "obj", arch)
    cfg = kbuild.prepare(arch, work, objdir, os.path.join(cache, "obj", f"{arch}.log"), say)
    rc = kbuild.has_runtime_const(src, arch)
    build_res, failures, absent = {}, {}, []
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
        old = None if rebuild else _built_before(outdir, key)
        if old is not None:
            say(f"{arch} {variant}: unchanged since its last build (inputs.json), kept")
            build_res[variant] = old
            continue
        tree.install(work, files, remove)
        t0 = time.time()
        build_res[variant] = kbuild.build_objects(arch, variant, work, objdir, C.objects(), outdir,
                                                  os.path.join(cache, "obj", f"{arch}-{variant}.log"), say)
        write_atomic(os.path.join(outdir, "inputs.json"),
                     json.dumps(dict(key=key, objects=build_res[variant])))
        say(f"{arch} {variant}: built in {time.time() - t0:.0f} s")
    return cfg, rc, build_res, failures, absent


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
    ap.add_argument("--arch", default=",".join(kbuild.ARCHES), help="comma list (default: all four)")
    ap.add_argument("--out", help="output directory (default: results/runs/kernel-<stamp>)")
    ap.add_argument("--report-only", action="store_true",
                    help="no build: measure the cached objects and write the report")
    ap.add_argument("--rebuild", action="store_true",
                    help="build every variant again (a variant is kept while its transformed "
                         "files and .config are unchanged; edits elsewhere in the tree need this)")
    ap.add_argument("--cache", default=os.path.join(ROOT, "build", "kernel"))
    args = ap.parse_args(argv)
    arches = [a for a in args.arch.split(",") if a]
    bad = [a for a in arches if a not in kbuild.ARCHES]
    if bad:
        print(f"tools/kernel: unknown arch {bad[0]} (known: {', '.join(kbuild.ARCHES)})", file=sys.stderr)
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
    name = os.path.basename(src.rstrip("/"))
    outroot = os.path.join(args.cache, "out", name)
    work = os.path.join(args.cache, "work", name)
    read = tree.reader(src)
    doc = dict(schema_version=SCHEMA_VERSION, kind="kernel",
               context=dict(tree=origin, version=version,
                            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                            command="tools/kernel " + " ".join(argv if argv is not None else sys.argv[1:]),
                            options=kbuild.OPTIONS, objects=C.objects(), units=UNITS),
               arches={})
    rc = 0
    if not args.report_only:
        try:
            tree.work_copy(src, work)
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
                cfg, has_rc, build_res, failures, absent = (st["config"], st["runtime_const"],
                                                            st["objects"], st["failures"], st["absent"])
            else:
                cfg, has_rc, build_res, failures, absent = build_arch(arch, src, work, args.cache,
                                                                      outroot, read, args.rebuild)
                write_atomic(os.path.join(outroot, arch, "build.json"), json.dumps(dict(
                    config=cfg, runtime_const=has_rc, objects=build_res, failures=failures,
                    absent=absent)))
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
        entry["caches"], entry["bloat"] = analyse_arch(arch, src, outroot, build_res, failures, absent)
        entry["module"] = module_facts(arch, src, outroot, build_res)
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
    os.makedirs(out, exist_ok=True)
    write_atomic(os.path.join(out, "kernel.json"), json.dumps(doc, indent=1) + "\n")
    md, txt = report.render(doc)
    write_atomic(os.path.join(out, "kernel.md"), md)
    write_atomic(os.path.join(out, "kernel.txt"), txt)
    say(f"done in {time.time() - t0:.0f} s: {out}/kernel.md {out}/kernel.txt {out}/kernel.json")
    return rc
