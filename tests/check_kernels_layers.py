#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The arrows of kernels/ go one way only (issue 15).

  tests/check_kernels_layers.py KERNELS_DIR [--nm NM --objects OBJ...]
  tests/check_kernels_layers.py --selftest

Builds two graphs of modules (a module is a file stem: slab.h and slab.cpp
are "slab"; kernels/include/ holds the public headers, which are no
module's and sit below every layer):
  - the #include graph of the sources in KERNELS_DIR;
  - with --objects, the symbol graph of the built objects: A -> B when A
    uses a global symbol that B defines (read with NM).
Fails (exit 1, one line per problem on stderr) on a cycle in either graph,
on an edge that goes up the LAYERS below, or on a module LAYERS does not
name.  Exit 2: bad arguments or an unreadable file.  --selftest runs the
checks on a small tree with a cycle and an upward edge and fails unless
both are caught.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# top to bottom; an edge may stay in its layer (without a cycle) or go down
LAYERS = [
    {"hotpaths", "empty_bodies", "cache_ref"},  # the measured hot paths
    {"caches"},                                 # the cache instances, patching
    {"slab_common"},                            # create/init/shrink/stats
    {"slub_sheaves", "slub_cpu_slab"},          # the two fast-path models
    {"slab", "slab_hooks"},                     # slab pages, freelists, hooks
    {"page_alloc", "percpu"},                   # the page arena, per-CPU state
]
PUBLIC_DIR = "include"
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE_EXT = (".h", ".cpp")


class CheckError(Exception):
    pass


def layer_of(module):
    for i, layer in enumerate(LAYERS):
        if module in layer:
            return i
    return None


def module_of(path, root):
    rel = os.path.relpath(path, root)
    if rel.split(os.sep)[0] == PUBLIC_DIR:
        return None  # public header: an interface, no layer
    return os.path.splitext(os.path.basename(rel))[0]


def include_graph(root):
    """file graph (every file) and module graph (private modules only)"""
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith(SOURCE_EXT):
                p = os.path.join(d, n)
                try:
                    with open(p) as f:
                        files[p] = INCLUDE_RE.findall(f.read())
                except OSError as e:
                    raise CheckError(f"cannot read {p}: {e.strerror}")
    public = os.path.join(root, PUBLIC_DIR)
    fgraph = {}
    for p, incs in files.items():
        fgraph[p] = set()
        for inc in incs:
            # quoted include: the file's own folder first, then the public folder
            for cand in (os.path.join(os.path.dirname(p), inc), os.path.join(public, inc)):
                cand = os.path.normpath(cand)
                if cand in files:
                    fgraph[p].add(cand)
                    break  # else: arch/ or libc, outside kernels/
    return fgraph, lift(fgraph, lambda p: module_of(p, root))


def lift(graph, name):
    out = {}
    for a, bs in graph.items():
        ma = name(a)
        if ma is None:
            continue
        out.setdefault(ma, set())
        for b in bs:
            mb = name(b)
            if mb is not None and mb != ma:
                out[ma].add(mb)
    return out


def symbol_graph(nm, objects):
    defs, uses = {}, {}
    for obj in objects:
        mod = os.path.basename(obj).split(".")[0]  # slab.cpp.o -> slab
        try:
            out = subprocess.run([nm, "-P", obj], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise CheckError(f"{nm} {obj} failed: {e}")
        for line in out.splitlines():
            f = line.split()
            if len(f) < 2:
                continue
            sym, kind = f[0], f[1]
            if kind in "Uw":
                uses.setdefault(mod, set()).add(sym)
            elif kind.isupper() or kind in "uvV":
                defs.setdefault(sym, set()).add(mod)
    graph = {m: set() for m in set(uses) | {m for ms in defs.values() for m in ms}}
    for mod, syms in uses.items():
        for s in syms:
            graph[mod] |= defs.get(s, set()) - {mod}
    return graph


def find_cycle(graph):
    """One cycle of the graph as [a, b, ..., a], or None (tests/tools/test_imports.py
    uses it too)."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def problems(what, graph, short=str):
    out = []
    cycle = find_cycle(graph)
    if cycle:
        out.append(f"{what}: cycle " + " -> ".join(short(n) for n in cycle))
    return out


def layer_problems(what, mgraph):
    out = []
    for a in sorted(mgraph):
        la = layer_of(a)
        if la is None:
            out.append(f"{what}: module '{a}' is in no layer: add it to LAYERS in {__file__}")
            continue
        for b in sorted(mgraph[a]):
            lb = layer_of(b)
            if lb is not None and lb < la:
                out.append(f"{what}: {a} -> {b} goes up the layers")
    return out


def check(root, nm=None, objects=()):
    fgraph, mgraph = include_graph(root)
    out = problems("include graph", fgraph, lambda p: os.path.relpath(p, root))
    out += problems("include graph (modules)", mgraph)
    out += layer_problems("include graph", mgraph)
    if objects:
        sgraph = symbol_graph(nm, objects)
        out += problems("symbol graph", sgraph)
        out += layer_problems("symbol graph", sgraph)
    return out, fgraph, mgraph


def selftest():
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, PUBLIC_DIR))
        src = {
            "slab.h": '#include "page_alloc.h"\n#include "slub_sheaves.h"\n',  # upward
            "slub_sheaves.h": '#include "slab.h"\n',                            # cycle
            "page_alloc.h": '#include "kmem_cache.h"\n',
            PUBLIC_DIR + "/kmem_cache.h": "",
        }
        for name, text in src.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        found, _, _ = check(d)
    want = ("cycle", "slab -> slub_sheaves goes up")
    missing = [w for w in want if not any(w in p for p in found)]
    if missing:
        print(f"selftest: not caught: {missing}; found: {found}", file=sys.stderr)
        return 1
    print(f"selftest: ok, caught {len(found)} problems in the bad tree")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kernels", nargs="?")
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--objects", nargs="*", default=[],
                    help="object files (a ;-separated list is split)")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.kernels or not os.path.isdir(a.kernels):
        print(f"check_kernels_layers: no such directory: {a.kernels}", file=sys.stderr)
        return 2
    objects = [o for arg in a.objects for o in arg.split(";") if o]
    try:
        found, fgraph, mgraph = check(a.kernels, a.nm, objects)
    except CheckError as e:
        print(f"check_kernels_layers: {e}", file=sys.stderr)
        return 2
    for p in found:
        print(f"check_kernels_layers: {p}", file=sys.stderr)
    if found:
        return 1
    edges = sum(len(v) for v in fgraph.values())
    print(f"kernels/: {len(fgraph)} files, {edges} include edges, no cycle; "
          f"{len(mgraph)} modules in layer order" + (f"; {len(objects)} objects' symbols too" if objects else ""))
    for i, layer in enumerate(LAYERS):
        print(f"  layer {i}: " + ", ".join(sorted(layer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
