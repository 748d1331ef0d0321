# SPDX-License-Identifier: GPL-2.0
"""The caches converted by the static-duration series: where each pointer
is defined, declared and used in the tree, and the objects that hold them."""
from collections import namedtuple

# name: the series' name for the cache; var: the pointer variable in the tree;
# defined_in: the file that defines and creates it; users: other files whose
# call sites are compiled; headers: where it is declared extern (or used by a
# macro); module: its file is built as a module (tristate UFS_FS=m).
Cache = namedtuple("Cache", "name var defined_in users headers module")

CACHES = [
    Cache("mnt_cache", "mnt_cache", "fs/namespace.c", (), (), False),
    Cache("thread_cache", "thread_stack_cache", "kernel/fork.c", (), (), False),
    Cache("signal_cache", "signal_cachep", "kernel/fork.c", (), (), False),
    Cache("bh_cachep", "bh_cachep", "fs/buffer.c", (), (), False),
    Cache("dentry_cache", "dentry_cache", "fs/dcache.c", (), (), False),
    Cache("files_cachep", "files_cachep", "kernel/fork.c", ("fs/file.c",),
          ("include/linux/fdtable.h",), False),
    Cache("filp", "filp_cachep", "fs/file_table.c", (), (), False),
    Cache("bfilp", "bfilp_cachep", "fs/file_table.c", (), (), False),
    Cache("sighand_cache", "sighand_cachep", "kernel/fork.c", (),
          ("include/linux/signal.h",), False),
    Cache("mm_cachep", "mm_cachep", "kernel/fork.c", (), (), False),
    Cache("task_struct_cachep", "task_struct_cachep", "kernel/fork.c", (), (), False),
    Cache("fs_cachep", "fs_cachep", "kernel/fork.c", ("fs/fs_struct.c",),
          ("include/linux/fs_struct.h",), False),
    Cache("inode_cachep", "inode_cachep", "fs/inode.c", (), (), False),
    Cache("names_cache", "names_cachep", "fs/dcache.c", ("fs/namei.c",),
          ("include/linux/fs.h",), False),
    Cache("ufs_inode_cache", "ufs_inode_cachep", "fs/ufs/super.c", (), (), True),
]

# Objects built per arch and variant: the call sites plus the allocator.
MODULE_OBJECTS = ["fs/ufs/super.o"]
ALLOCATOR_OBJECT = "mm/slub.o"


def source_files(caches=CACHES):
    """Every .c file that holds a definition or call site, in order."""
    seen = []
    for c in caches:
        for f in (c.defined_in,) + tuple(c.users):
            if f not in seen:
                seen.append(f)
    return seen


def objects(caches=CACHES):
    """The .o files to build: call-site files, then mm/slub.o."""
    return [f[:-2] + ".o" for f in source_files(caches)] + [ALLOCATOR_OBJECT]
