# SPDX-License-Identifier: GPL-2.0
"""tools/deps/debian.list, the one list of Debian packages: its rows, and
which of them are absent on this machine (probes as run_all.sh reads them:
a command on PATH, an absolute path, or py:<module>)."""
import importlib.util
import os
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPS = os.path.join(REPO, "tools", "deps", "debian.list")


def load_list(path=DEPS):
    """-> [(package, [provides], scope, why)]; ValueError on a bad row."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            w = line.split(None, 3)
            if len(w) < 3:
                raise ValueError(f"{path}:{n}: want 'package provides scope [why]'")
            rows.append((w[0], w[1].split(","), w[2], w[3].strip() if len(w) > 3 else ""))
    return rows


def absent(provides):
    """The first thing a row provides that this machine lacks, or None."""
    for p in provides:
        if p.startswith("py:"):
            try:
                found = importlib.util.find_spec(p[3:]) is not None
            except (ImportError, ValueError):
                found = False
        elif p.startswith("/"):
            found = os.path.exists(p)
        else:
            found = shutil.which(p) is not None
        if not found:
            return p
    return None


def missing(scopes, skip=(), rows=None):
    """Packages of the rows in scopes that are absent, once each, in list
    order; packages in skip are not checked."""
    out = []
    for pkg, provides, scope, _ in rows if rows is not None else load_list():
        if scope in scopes and pkg not in skip and pkg not in out and absent(provides):
            out.append(pkg)
    return out
