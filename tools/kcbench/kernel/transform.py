# SPDX-License-Identifier: GPL-2.0
"""Source transforms that turn the tree's cache pointers into the
runtime_const and static variants.  Pure text in, text out: each function
takes a file's text and returns the new text, or raises TransformError
naming the file, line and cache, so a tree the transforms do not fit loses
only that cache.

runtime_const: each read of the pointer becomes runtime_const_ptr(p), the
creating assignment is followed by runtime_const_init(ptr, p), and the
linker script lists the section runtime_ptr_<p>.  Headers that read the
pointer in a macro (fs.h's __getname) keep the plain load in modules: the
kernel patches runtime constants in vmlinux only.  USER_NOTE: such a
header cannot include <asm/runtime-const.h> itself (arm64's pulls in mm.h),
so the listed users include it; other users of the macro in the tree would
need the same line (they are not built here).

static: the pointer becomes an opaque object of struct kmem_cache's size and
alignment (struct kmem_cache_opaque, include/linux/slab_static.h, written
here), reached through to_kmem_cache(); the creation is set up in place by
the *_static forms of the create calls; Kbuild generates the size from
mm/kmem_cache_size.c and mm/slub.c checks it at build time."""
import re

VARIANTS = ("pointer", "runtime_const", "static")


class TransformError(Exception):
    """A call site or file the transform does not fit (one line)."""


def _line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def statement_end(text, start, where):
    """Index just past the ';' that ends the statement at start
    (parentheses and braces balanced)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == ";" and depth == 0:
            return i + 1
        i += 1
    raise TransformError(f"{where}: statement at line {_line_of(text, start)} has no end")


def add_include(text, header, first_use=None):
    """Add '#include <header>' after the last #include that comes before
    the first use of the name first_use (None: of the first include block,
    for a file that reaches the name through a header's macro)."""
    line = f"#include <{header}>"
    if line in text:
        return text
    limit = len(text)
    if first_use:
        u = re.search(r"\b" + re.escape(first_use) + r"\b", text)
        limit = u.start() if u else limit
    else:
        block = re.search(r"^#include [^\n]*\n(?:(?:#include [^\n]*|\s*)\n)*", text, re.M)
        limit = block.end() if block else limit
    last = None
    for m in re.finditer(r"^#include [<\"][^>\"]+[>\"][^\n]*\n", text[:limit], re.M):
        last = m
    if last is None:
        raise TransformError(f"no #include line to add <{header}> after")
    return text[:last.end()] + line + "\n" + text[last.end():]


def _definition_re(var):
    return re.compile(r"^(?P<static>static\s+)?struct\s+kmem_cache\s*\*\s*" + re.escape(var)
                      + r"(?P<attr>\s+__ro_after_init)?\s*;[^\n]*$", re.M)


def _extern_re(var):
    return re.compile(r"^extern\s+struct\s+kmem_cache\s*\*\s*" + re.escape(var) + r"\s*;[^\n]*$", re.M)


def _assign_re(var):
    return re.compile(r"^(?P<indent>[ \t]*)" + re.escape(var) + r"\s*=(?!=)\s*", re.M)


def _in_comment(text, pos):
    """True when pos lies in a /* */ comment or a // line comment."""
    start = text.rfind("/*", 0, pos)
    if start >= 0 and text.rfind("*/", start, pos) < 0:
        return True
    bol = text.rfind("\n", 0, pos) + 1
    return "//" in text[bol:pos]


def _replace_reads(text, var, repl, skip_spans):
    """Replace each read of var (outside skip_spans and comments) by repl(var)."""
    out = []
    last = 0
    n = 0
    for m in re.finditer(r"(?<![\w.>])" + re.escape(var) + r"\b", text):
        if any(a <= m.start() < b for a, b in skip_spans) or _in_comment(text, m.start()):
            continue
        out.append(text[last:m.start()])
        out.append(repl)
        last = m.end()
        n += 1
    out.append(text[last:])
    return "".join(out), n


def _spans(text, var):
    """Spans that are not reads: definition, extern, EXPORT_SYMBOL, assignment LHS."""
    spans = []
    for rx in (_definition_re(var), _extern_re(var),
               re.compile(r"EXPORT_SYMBOL(_GPL)?\(" + re.escape(var) + r"\)")):
        spans += [(m.start(), m.end()) for m in rx.finditer(text)]
    spans += [(m.start(), m.end()) for m in _assign_re(var).finditer(text)]
    return spans


# ---- runtime_const ---------------------------------------------------------
def runtime_const_c(text, var, where):
    """A .c file: reads -> runtime_const_ptr(var); init after the creation."""
    if not re.search(r"\b" + re.escape(var) + r"\b", text):
        raise TransformError(f"{where}: {var} not found")
    text, _ = _replace_reads(text, var, f"runtime_const_ptr({var})", _spans(text, var))
    for m in reversed(list(_assign_re(var).finditer(text))):
        end = statement_end(text, m.end(), where)
        text = text[:end] + f"\n{m.group('indent')}runtime_const_init(ptr, {var});" + text[end:]
    return add_include(text, "asm/runtime-const.h", var)


def runtime_const_header(text, var, where):
    """A header: macros that read var use runtime_const_ptr() outside modules."""
    ext = _extern_re(var).search(text)
    if not ext:
        raise TransformError(f"{where}: no 'extern struct kmem_cache *{var};'")
    helper = f"__kc_{var}"
    new, n = _replace_reads(text, var, f"{helper}()", _spans(text, var))
    if n == 0:
        return text
    ext = _extern_re(var).search(new)
    block = (f"\n#ifdef MODULE\t/* runtime constants are patched in vmlinux only */\n"
             f"#define {helper}() ({var})\n#else\n"
             f"#define {helper}() runtime_const_ptr({var})\n#endif")
    # no #include here: arm64's asm/runtime-const.h pulls in mm.h, which
    # cannot be parsed from inside fs.h; each user includes it (USER_NOTE)
    return new[:ext.end()] + block + new[ext.end():]


def runtime_const_lds(text, vars_, where):
    """include/asm-generic/vmlinux.lds.h: one section per cache pointer."""
    m = re.search(r"#define RUNTIME_CONST_VARIABLES[^\n]*\\\n(?:[^\n]*\\\n)*[^\n]*\n", text)
    if not m:
        raise TransformError(f"{where}: no RUNTIME_CONST_VARIABLES")
    block = m.group(0).rstrip("\n")
    add = "".join(f"\t\\\n\t\tRUNTIME_CONST(ptr, {v})" for v in vars_)
    return text[:m.start()] + block + add + "\n" + text[m.end():]


# ---- static ----------------------------------------------------------------
STATIC_CREATE = {"kmem_cache_create": "kmem_cache_create_static",
                 "kmem_cache_create_usercopy": "kmem_cache_create_usercopy_static",
                 "KMEM_CACHE": "KMEM_CACHE_STATIC",
                 "KMEM_CACHE_USERCOPY": "KMEM_CACHE_USERCOPY_STATIC"}


def _opaque(var):
    return f"{var}_opaque"


def static_c(text, var, where, declared_in_header):
    """A .c file: the definition becomes the opaque instance, the creation
    is set up in place, EXPORT_SYMBOL names the instance."""
    d = _definition_re(var).search(text)
    if d:
        storage = d.group("static") or ""
        repl = f"{storage}struct kmem_cache_opaque {_opaque(var)};"
        if not declared_in_header:
            repl += f"\n#define {var} to_kmem_cache(&{_opaque(var)})"
        text = text[:d.start()] + repl + text[d.end():]
    text = re.sub(r"EXPORT_SYMBOL(_GPL)?\(" + re.escape(var) + r"\)",
                  lambda m: f"EXPORT_SYMBOL{m.group(1) or ''}({_opaque(var)})", text)
    for m in reversed(list(_assign_re(var).finditer(text))):
        call = re.match(r"(\w+)\s*\(", text[m.end():])
        line = _line_of(text, m.start())
        if not call or call.group(1) not in STATIC_CREATE:
            got = call.group(1) if call else text[m.end():m.end() + 20].split("\n")[0]
            raise TransformError(f"{where}:{line}: {var} = {got}(...) has no static form")
        end = statement_end(text, m.end(), where)
        args = text[m.end() + call.end():end]
        text = (text[:m.start()] + f"{m.group('indent')}{STATIC_CREATE[call.group(1)]}({var}, "
                + args + text[end:])
    if not d and not declared_in_header:
        raise TransformError(f"{where}: no definition of {var}")
    return add_include(text, "linux/slab_static.h", _opaque(var))


def static_header(text, var, where):
    """A header's extern declaration -> the opaque instance and the macro."""
    m = _extern_re(var).search(text)
    if not m:
        raise TransformError(f"{where}: no 'extern struct kmem_cache *{var};'")
    text = (text[:m.start()] + f"extern struct kmem_cache_opaque {_opaque(var)};\n"
            f"#define {var} to_kmem_cache(&{_opaque(var)})" + text[m.end():])
    return add_include(text, "linux/slab_static.h", _opaque(var))


def static_kbuild(text, where):
    """Root Kbuild: generate include/generated/kmem_cache_size.h in prepare."""
    anchor = "# Check for missing system calls"
    if anchor not in text or not re.search(r"^prepare:", text, re.M):
        raise TransformError(f"{where}: no '{anchor}' or 'prepare:' rule")
    block = ("# Generate kmem_cache_size.h (static kmem_cache instances)\n\n"
             "kmem-cache-size-file := include/generated/kmem_cache_size.h\n\n"
             "targets += mm/kmem_cache_size.s\n\n"
             "mm/kmem_cache_size.s: $(offsets-file)\n\n"
             "$(kmem-cache-size-file): mm/kmem_cache_size.s FORCE\n"
             "\t$(call filechk,offsets,__KMEM_CACHE_SIZE_H__)\n\n")
    text = text.replace(anchor, block + anchor, 1)
    return re.sub(r"^prepare:", "prepare: $(kmem-cache-size-file)", text, count=1, flags=re.M)


def static_slub(text, where):
    """mm/slub.c: the build-time check that the opaque type fits."""
    text = add_include(text, "linux/slab_static.h")
    return text.rstrip("\n") + (
        "\n\n/* Static instances (struct kmem_cache_opaque) must hold a whole cache. */\n"
        "static_assert(sizeof(struct kmem_cache_opaque) >= sizeof(struct kmem_cache));\n"
        "static_assert(__alignof__(struct kmem_cache_opaque) >= __alignof__(struct kmem_cache));\n")


SLAB_STATIC_H = """\
/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Caches with static storage duration (written by kcache-bench's kernel
 * mode): an opaque object of struct kmem_cache's size and alignment, turned
 * into the cache pointer by to_kmem_cache().  KMEM_CACHE_SIZE and
 * KMEM_CACHE_ALIGN come from include/generated/kmem_cache_size.h
 * (mm/kmem_cache_size.c); mm/slub.c checks them at build time.  The *_static
 * create forms set a cache up in the given storage; it never merges.
 */
#ifndef _LINUX_SLAB_STATIC_H
#define _LINUX_SLAB_STATIC_H

#include <linux/slab.h>

#ifndef COMPILE_OFFSETS	/* the asm-offsets-like generators come first */
#include <generated/kmem_cache_size.h>

struct kmem_cache_opaque {
\tunsigned char opaque[KMEM_CACHE_SIZE];
} __aligned(KMEM_CACHE_ALIGN);

static __always_inline struct kmem_cache *to_kmem_cache(struct kmem_cache_opaque *p)
{
\treturn (struct kmem_cache *)p;
}
#endif

int __kmem_cache_setup_args(struct kmem_cache *s, const char *name,
\t\t\t    unsigned int object_size, struct kmem_cache_args *args,
\t\t\t    slab_flags_t flags);

static inline int __kmem_cache_setup(struct kmem_cache *s, const char *name,
\t\t\t\t     unsigned int size, unsigned int align,
\t\t\t\t     slab_flags_t flags, void (*ctor)(void *))
{
\tstruct kmem_cache_args args = { .align = align, .ctor = ctor, };

\treturn __kmem_cache_setup_args(s, name, size, &args, flags);
}

#define kmem_cache_create_static(s, __name, __size, __args, ...)\t\t\\
\t_Generic((__args),\t\t\t\t\t\t\\
\t\tstruct kmem_cache_args *: __kmem_cache_setup_args,\t\\
\t\tdefault: __kmem_cache_setup)(s, __name, __size, __args, __VA_ARGS__)

static inline int kmem_cache_create_usercopy_static(struct kmem_cache *s,
\t\tconst char *name, unsigned int size, unsigned int align,
\t\tslab_flags_t flags, unsigned int useroffset, unsigned int usersize,
\t\tvoid (*ctor)(void *))
{
\tstruct kmem_cache_args args = {
\t\t.align = align, .ctor = ctor,
\t\t.useroffset = useroffset, .usersize = usersize,
\t};

\treturn __kmem_cache_setup_args(s, name, size, &args, flags);
}

#define KMEM_CACHE_STATIC(s, __struct, __flags)\t\t\t\t\\
\t__kmem_cache_setup_args(s, #__struct, sizeof(struct __struct),\t\\
\t\t&(struct kmem_cache_args) {\t\t\t\t\\
\t\t\t.align = __alignof__(struct __struct),\t\t\\
\t\t}, (__flags))

#define KMEM_CACHE_USERCOPY_STATIC(s, __struct, __flags, __field)\t\\
\t__kmem_cache_setup_args(s, #__struct, sizeof(struct __struct),\t\\
\t\t&(struct kmem_cache_args) {\t\t\t\t\\
\t\t\t.align = __alignof__(struct __struct),\t\t\\
\t\t\t.useroffset = offsetof(struct __struct, __field),\t\\
\t\t\t.usersize = sizeof_field(struct __struct, __field),\t\\
\t\t}, (__flags))

#endif /* _LINUX_SLAB_STATIC_H */
"""

KMEM_CACHE_SIZE_C = """\
// SPDX-License-Identifier: GPL-2.0
/*
 * Generates include/generated/kmem_cache_size.h (kcache-bench kernel mode):
 * the size and alignment of struct kmem_cache for static instances.
 */
#define COMPILE_OFFSETS
#include <linux/kbuild.h>
#include "slab.h"

int main(void)
{
\tDEFINE(KMEM_CACHE_SIZE, sizeof(struct kmem_cache));
\tDEFINE(KMEM_CACHE_ALIGN, __alignof__(struct kmem_cache));
\treturn 0;
}
"""

NEW_FILES = {"static": {"include/linux/slab_static.h": SLAB_STATIC_H,
                        "mm/kmem_cache_size.c": KMEM_CACHE_SIZE_C}}
LDS = "include/asm-generic/vmlinux.lds.h"


def variant_files(read, caches, variant, has_runtime_const):
    """The files of one variant: read(path) -> text or None (absent).
    Returns (files {path: text}, failures {cache name: why}, absent [names]).
    'pointer' returns the original text of every file any variant touches."""
    touched = set()
    for c in caches:
        touched.update((c.defined_in,) + tuple(c.users) + tuple(c.headers))
    touched.update({LDS, "Kbuild", "mm/slub.c"})
    orig = {p: read(p) for p in sorted(touched)}
    files = {p: t for p, t in orig.items() if t is not None}
    failures, absent = {}, []
    present = []
    for c in caches:
        t = orig.get(c.defined_in)
        if t is None or not re.search(r"\b" + re.escape(c.var) + r"\b", t):
            absent.append(c.name)
        else:
            present.append(c)
    if variant == "pointer":
        return files, failures, absent
    if variant == "runtime_const" and not has_runtime_const:
        return files, {c.name: "no kernel support in this tree" for c in present}, absent
    new = dict(files)
    lds_vars = []
    for c in present:
        trial = {}
        try:
            for f in (c.defined_in,) + tuple(c.users):
                src = trial.get(f, new[f])
                if f != c.defined_in and not re.search(r"\b" + re.escape(c.var) + r"\b", src):
                    # reaches the cache through a header's macro only
                    if variant == "runtime_const":
                        trial[f] = add_include(src, "asm/runtime-const.h")
                    continue
                if variant == "static" and f != c.defined_in:
                    continue  # the header's macro names the instance
                if variant == "runtime_const":
                    trial[f] = runtime_const_c(src, c.var, f)
                else:
                    trial[f] = static_c(src, c.var, f, bool(c.headers) and f == c.defined_in)
            for h in c.headers:
                src = new[h]
                trial[h] = (runtime_const_header(src, c.var, h) if variant == "runtime_const"
                            else static_header(src, c.var, h))
        except (TransformError, KeyError) as e:
            failures[c.name] = str(e) if isinstance(e, TransformError) else f"{e} missing"
            continue
        new.update(trial)
        if not c.module:
            lds_vars.append(c.var)
    if variant == "runtime_const" and lds_vars:
        new[LDS] = runtime_const_lds(new[LDS], lds_vars, LDS)
    if variant == "static":
        new["Kbuild"] = static_kbuild(new["Kbuild"], "Kbuild")
        new["mm/slub.c"] = static_slub(new["mm/slub.c"], "mm/slub.c")
        new.update(NEW_FILES["static"])
    return new, failures, absent
