# SPDX-License-Identifier: GPL-2.0
"""The run folders under results/runs/, and which one is the newest.

Folder names do not order runs: run_all.sh names them by date stamp
(20261203-101500) or, for a test run, ci-<stamp>, and "ci-" sorts after
every digit.  A run's time is the newest time recorded in it: a measured
file's context.date, else the modification time of its results files.
"""
import calendar
import json
import os
import time

from .io import KcbError


def _recorded_date(path):
    """context.date of a measured file as seconds since the epoch, or None."""
    try:
        with open(path, encoding="utf-8") as f:
            date = json.load(f).get("context", {}).get("date")
        return calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%SZ"))
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):
        return None


def run_time(rundir):
    """The newest time recorded in a run folder; None if it holds no JSON."""
    best = None
    for name in os.listdir(rundir):
        path = os.path.join(rundir, name)
        if not name.endswith(".json") or not os.path.isfile(path):
            continue
        t = _recorded_date(path)
        if t is None:
            t = os.path.getmtime(path)
        best = t if best is None else max(best, t)
    return best


def newest(runs):
    """The run folder under `runs` with the newest recorded time."""
    try:
        names = os.listdir(runs)
    except OSError as e:
        raise KcbError(f"{runs}: cannot list: {e.strerror}") from None
    timed = []
    for name in names:
        d = os.path.join(runs, name)
        if os.path.isdir(d):
            t = run_time(d)
            if t is not None:
                timed.append((t, name, d))
    if not timed:
        raise KcbError(f"{runs}: no run with results: run ./run_all.sh first")
    return max(timed)[2]
