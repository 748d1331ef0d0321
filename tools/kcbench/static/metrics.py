# SPDX-License-Identifier: GPL-2.0
"""The static pass behind tools/static_metrics.py: hot-path symbols and call
sites of one build (objdump), QEMU counts, llvm-mca estimates, bloat rows;
writes the "static" JSON (results/SCHEMA.md) atomically."""
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from .. import results
from ..io import EXIT_FAIL, KcbError, Parser, json_text, write_atomic
from ..vocab import ARCHES, DEFAULT_COMPILER, DEFAULT_CONFIG, POINTER_VARIANT, STATIC_UNITS
from . import mca as kcb_mca
from . import qemu as kcb_qemu
from .elf import Elf, Listing, materialisation, real_insns, run_objdump, sequence_name

DESCRIPTION = "Static and emulated metrics of one arch's build (issue 3)."
MANIFEST = "tools/kcb_static_manifest.txt"


def read_manifest(build):
    path = os.path.join(build, MANIFEST)
    if not os.path.isdir(build):
        raise KcbError(f"no such build directory: {build}")
    if not os.path.exists(path):
        raise KcbError(f"{path} missing: configure {build} with this project's CMake first")
    man = {"object": {}, "kcmodel": {}}
    with open(path) as f:
        for line in f:
            key, _, rest = line.rstrip("\n").partition(" ")
            if key in ("object", "kcmodel"):
                v, _, p = rest.partition(" ")
                man[key][v] = p
            elif key:
                man[key] = rest
    return man


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return None
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    for ln in lines:  # llvm tools print a banner line first
        if "version" in ln.lower() or "binutils" in ln.lower():
            return ln
    return lines[0] if lines else None


def analyse(arch, elf, listing, source):
    """symbols and sites of one ELF file (linked or relocatable)."""
    symbols, sites, paths = [], [], []
    for h in elf.hot_paths(arch):
        start, size, sec = elf.funcs[h["symbol"]]
        insns = listing.range(start, size, sec)
        real = real_insns(insns)
        if not real:
            raise KcbError(f"{source}: no instructions for {h['symbol']}")
        symbols.append(dict(symbol=h["symbol"], fn=h["fn"], model=h["model"], variant=h["variant"],
                            config=h["config"], note=h["note"], bytes=size, insns=len(real)))
        paths.append(dict(h, insns=insns))  # mca: every config; path counts: the default
        if h["fn"] == "site":
            mat = materialisation(arch, insns)
            sites.append(dict(model=h["model"], variant=h["variant"], note=h["note"],
                              bytes=sum(i.size for i in mat), insns=len(mat),
                              sequence=sequence_name(arch, mat), listing=[i.text for i in mat]))
    return symbols, sites, paths


def bloat(symbols):
    """bloat-o-meter style: every variant against the pointer baseline."""
    by = {}
    for s in (s for s in symbols if s.get("config", DEFAULT_CONFIG) == DEFAULT_CONFIG):
        by.setdefault(s["variant"].split("_a")[0] if s["fn"] == "static_align" else s["variant"], {})[
            (s["fn"], s["model"], s["variant"] if s["fn"] == "static_align" else "")] = s
    base = by.get(POINTER_VARIANT, {})
    out = []
    for variant in sorted(v for v in by if v != POINTER_VARIANT):
        new = by[variant]
        rows = []
        for key in sorted(set(base) | set(new)):
            o, n = base.get(key), new.get(key)
            # null on the side where the symbol does not exist (results/SCHEMA.md)
            rows.append(dict(symbol=(n or o)["symbol"], old=o["bytes"] if o else None,
                             new=n["bytes"] if n else None))
        for r in rows:
            r["delta"] = (r["new"] or 0) - (r["old"] or 0)
        rows.sort(key=lambda r: (-r["delta"], r["symbol"]))
        added = sum(1 for k in new if k not in base)
        removed = sum(1 for k in base if k not in new)
        common = [r for r in rows if r["old"] is not None and r["new"] is not None]
        out.append(dict(variant=variant, baseline=POINTER_VARIANT, add=added, remove=removed,
                        grow=sum(1 for r in common if r["delta"] > 0),
                        shrink=sum(1 for r in common if r["delta"] < 0),
                        up=sum(r["delta"] for r in rows if r["delta"] > 0),
                        down=sum(r["delta"] for r in rows if r["delta"] < 0),
                        net=sum(r["delta"] for r in rows), rows=rows))
    return out


def format_bloat(arch, blocks, sites, kcm):
    lines = []
    for b in blocks:
        lines.append(f"{arch}: {b['variant']} vs {b['baseline']} (bytes)")
        lines.append(f"add/remove: {b['add']}/{b['remove']} grow/shrink: {b['grow']}/{b['shrink']} "
                     f"up/down: {b['up']}/{b['down']} ({b['net']})")
    for b in blocks:
        lines.append("")
        lines.append(f"{arch}: {b['variant']} vs {b['baseline']}")
        lines.append(f"{'Function':<48} {'old':>6} {'new':>6} {'delta':>6}")
        for r in b["rows"]:
            old = "-" if r["old"] is None else r["old"]
            new = "-" if r["new"] is None else r["new"]
            lines.append(f"{r['symbol']:<48} {old:>6} {new:>6} {r['delta']:>+6d}")
    for title, rows in (("call-site materialisation", sites),
                        ("call-site materialisation, -mcmodel=kernel (compile only)", kcm)):
        if not rows:
            continue
        lines.append("")
        lines.append(f"{arch}: {title} (kcb_site__*: bytes, insns, sequence)")
        for s in sorted(rows, key=lambda s: (s["model"], s["variant"])):
            note = f"  [{s['note']}]" if s["note"] else ""
            lines.append(f"  {s['model']:<9} {s['variant']:<20} {s['bytes']:>3} B {s['insns']:>2} insns  "
                         f"{s['sequence']}{note}")
    return "\n".join(lines) + "\n"


def check_paths(arch, paths, qemu):
    """Executed hot-path insns (QEMU) vs one pass along the fall-through path
    of the disassembly: they must be equal for every straight-line body."""
    if not qemu.get("available"):
        return []
    # the paths are the default config's
    q = {(r["fn"], r["model"], r["variant"]): r["hotpath_insns_per_op"] for r in qemu["records"]
         if r.get("config", DEFAULT_CONFIG) == DEFAULT_CONFIG}
    out = []
    for p in (p for p in paths if p["config"] == DEFAULT_CONFIG):
        if p["fn"] == "many_caches":
            continue  # 16 different cases: no single path
        n = kcb_mca.path_insns(arch, p["insns"])
        got = q.get((p["fn"], p["model"], p["variant"]))
        out.append(dict(model=p["model"], fn=p["fn"], variant=p["variant"], disasm_path_insns=n,
                        qemu_hotpath_insns_per_op=got, agree=n is not None and got == n))
    return out


def run(args):
    info = ARCHES.get(args.arch)
    if info is None:
        raise KcbError(f"unknown arch '{args.arch}' (one of: {' '.join(ARCHES)})")
    man = read_manifest(args.build)
    if man.get("arch") != args.arch:
        raise KcbError(f"{args.build} is a build for '{man.get('arch')}', not '{args.arch}'")
    driver = man.get("driver", "")
    if not os.path.exists(driver):
        raise KcbError(f"{driver or 'kcb_count'} not built: build {args.build} first")
    objdump = info.triple + "-objdump"
    if not shutil.which(objdump):
        raise KcbError(f"{objdump} not installed")

    elf = Elf(driver)
    if not elf.is_exec:
        raise KcbError(f"{driver} is not a linked executable")
    listing = Listing(run_objdump(objdump, driver, args.arch), args.arch)
    symbols, sites, paths = analyse(args.arch, elf, listing, driver)
    if not symbols:
        raise KcbError(f"{driver}: no kcb_* hot-path symbols")

    kcm_sites, kcm_symbols = [], []
    if args.arch == "x86_64":
        if not man["kcmodel"]:
            raise KcbError(f"{args.build}: no -mcmodel=kernel objects in the manifest")
        for v, obj in sorted(man["kcmodel"].items()):
            if not os.path.exists(obj):
                raise KcbError(f"{obj} not built: build {args.build} first")
            kelf = Elf(obj)
            ksym, ksite, _ = analyse(args.arch, kelf, Listing(run_objdump(objdump, obj, args.arch),
                                                              args.arch), obj)
            kcm_symbols += ksym
            kcm_sites += ksite

    workdir = tempfile.mkdtemp(prefix="kcb-static-")
    try:
        with ThreadPoolExecutor(max_workers=2) as ex:
            fq = None if args.no_qemu else ex.submit(kcb_qemu.count, args.arch, info, elf, driver,
                                                     workdir, args.n)
            mca = [] if args.no_mca else kcb_mca.estimate(args.arch, info, paths, jobs=args.jobs)
            qemu_failed = None
            if fq is None:
                qemu = dict(available=False, reason="skipped (--no-qemu)", records=[])
            else:
                try:
                    qemu = fq.result()
                except KcbError as e:  # recorded, the other metrics still stand
                    if e.fatal:
                        raise
                    qemu_failed = str(e)
                    qemu = dict(available=False, reason=qemu_failed, records=[])
                if qemu.get("available") and not qemu.get("identical_over_runs"):
                    qemu_failed = "the counts of two identical runs differ"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    blocks = bloat(symbols)
    doc = {
        "schema_version": results.SCHEMA_VERSION,
        "kind": "static",
        "context": {
            "arch": args.arch,
            "triple": info.triple,
            "objdump": tool_version([objdump, "--version"]),
            "llvm_mca": tool_version([kcb_mca.LLVM_MCA, "--version"]),
            "qemu_version": kcb_qemu.qemu_version(info.qemu) if not args.no_qemu else None,
            "qemu_cpu": " ".join(info.qemu_cpu[1:]) or "default",
            "flags": man.get("flags", ""),
            "compiler": man.get("compiler", DEFAULT_COMPILER),
            "mca_note": info.mca_note,
            "mca_status": "skipped (--no-mca)" if args.no_mca else "run",
            "binary": os.path.abspath(driver),
            "units": dict(STATIC_UNITS),
        },
        "symbols": symbols,
        "sites": sites,
        "qemu": qemu,
        "qemu_checks": check_paths(args.arch, paths, qemu),
        "mca": mca,
        "bloat": blocks,
    }
    if args.arch == "x86_64":
        doc["sites_kernel_cmodel"] = kcm_sites
        doc["symbols_kernel_cmodel"] = kcm_symbols
    write_atomic({args.out: json_text(doc, indent=1)})
    sys.stdout.write(format_bloat(args.arch, blocks, sites, kcm_sites))
    if qemu_failed:
        print(f"static_metrics: {args.arch}: QEMU count failed ({qemu_failed}); "
              f"recorded as unavailable in {args.out}", file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    ap = Parser(prog="static_metrics", description=DESCRIPTION)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--no-mca", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("-n", type=int, default=kcb_qemu.DEFAULT_N, help="ops per QEMU window (multiple of 16)")
    args = ap.parse_args(argv)
    if args.n <= 0 or args.n % 16:
        raise KcbError("-n must be a positive multiple of 16")
    try:
        return run(args)
    except KcbError as e:  # a failed step, not bad input
        raise KcbError(str(e), EXIT_FAIL) from None

