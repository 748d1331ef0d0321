# SPDX-License-Identifier: GPL-2.0
"""Read the "# kcb: ..." KUnit diagnostic lines of the suite
(tools/kcbench/kernel/kunit/kcb_slab_kunit.c) from a kernel's console.

parse(text, where) -> Run, or ParseError naming the line: an unknown or
garbled kcb line, a variant or scenario not in vocab.py, a missing begin,
output cut short before "end", or a KUnit failure of the suite.  Per-op
values come in milli-units (signed integers: an interrupt in an N run
makes N vs 2N negative) and are returned divided by 1000.
Nothing is written here: the caller writes results only from a whole Run."""
import re
from dataclasses import dataclass, field

from ...io import KcbError
from ...vocab import SCENARIOS, VARIANTS

KCB_LINE = re.compile(r"#\s*kcb:\s*(.*?)\s*$")
KUNIT_RESULT = re.compile(r"^\s*(not ok|ok) \d+ (kcb_slab)\b(.*)$")
EMPTY = "empty"   # the suite's empty twin of every op
CHAINS = ("add", "mul")
EXEC_SCENARIOS = ("callsite", "latency")  # the suite's kcb_scenarios[]
CALIB_WHEN = ("start", "round", "end")


class ParseError(KcbError):
    """One line: where, line number, what is wrong."""


@dataclass
class Run:
    mode: str = ""
    version: int = 0
    rounds: int = 0
    samples: int = 0
    n: int = 0
    obj: int = 0
    cpu: dict = field(default_factory=dict)
    # calib[when][chain] -> [ticks per link]; round calibrations in order
    calib: dict = field(default_factory=dict)
    # (kind body|empty, scenario, variant) -> {round: [ticks per op]}
    times: dict = field(default_factory=dict)
    # scenario -> {round: [probe ticks of sample k]} (the contention probe)
    probes: dict = field(default_factory=dict)
    # [(round, scenario, variant, n)] in window order
    windows: list = field(default_factory=list)
    symbols: list = field(default_factory=list)
    variants: list = field(default_factory=list)
    kunit: str = ""


def _ints(words, where, lineno):
    try:
        v = [int(w) for w in words]
    except ValueError:
        raise ParseError(f"{where}:{lineno}: not an integer in '{' '.join(words)[:60]}'") from None
    return v


def _kv(words, where, lineno, need):
    out = {}
    for w in words:
        k, eq, v = w.partition("=")
        if not eq:
            raise ParseError(f"{where}:{lineno}: '{w[:40]}' is not key=value")
        out[k] = v
    miss = [k for k in need if k not in out]
    if miss:
        raise ParseError(f"{where}:{lineno}: {miss[0]}= missing")
    return out


def _known(name, known, what, where, lineno):
    if name not in known:
        raise ParseError(f"{where}:{lineno}: unknown {what} '{name[:40]}'")
    return name


def parse(text, where):
    """The suite's lines of one console log -> Run (see the module doc)."""
    run = Run()
    ended = False
    for lineno, line in enumerate(text.splitlines(), 1):
        r = KUNIT_RESULT.match(line)
        if r:
            run.kunit = r.group(1)
            continue
        m = KCB_LINE.search(line)
        if not m:
            continue
        words = m.group(1).split()
        if not words:
            raise ParseError(f"{where}:{lineno}: empty kcb line")
        what, rest = words[0], words[1:]
        if what != "cpu" and what != "begin" and not run.mode:
            raise ParseError(f"{where}:{lineno}: '{what}' before the begin line")
        if ended:
            raise ParseError(f"{where}:{lineno}: '{what}' after the end line")
        if what == "cpu":
            name = m.group(1).split("name=", 1)
            kv = _kv(name[0].split()[1:], where, lineno, ())
            run.cpu = dict(kv, name=name[1].strip() if len(name) > 1 else "")
        elif what == "begin":
            kv = _kv(rest, where, lineno, ("version", "mode", "rounds", "samples", "n", "variants", "obj"))
            if kv["version"] != "1":
                raise ParseError(f"{where}:{lineno}: suite output version {kv['version'][:8]} (this reader: 1)")
            if kv["mode"] not in ("time", "count"):
                raise ParseError(f"{where}:{lineno}: unknown mode '{kv['mode'][:20]}'")
            run.mode = kv["mode"]
            run.version, run.rounds, run.samples, run.n, nvar, run.obj = _ints(
                [kv[k] for k in ("version", "rounds", "samples", "n", "variants", "obj")], where, lineno)
            if run.n < 1 or run.rounds < 1 or nvar < 1:
                raise ParseError(f"{where}:{lineno}: n, rounds and variants must be >= 1")
        elif what == "symbols":
            run.symbols = rest
        elif what == "calib":
            if len(rest) < 3:
                raise ParseError(f"{where}:{lineno}: calib needs <when> <chain> values")
            when = _known(rest[0], CALIB_WHEN, "calibration", where, lineno)
            chain = _known(rest[1], CHAINS, "chain", where, lineno)
            vals = [v / 1000 for v in _ints(rest[2:], where, lineno)]
            run.calib.setdefault(when, {}).setdefault(chain, []).extend(vals)
        elif what in ("body", "empty"):
            if len(rest) < 4:
                raise ParseError(f"{where}:{lineno}: {what} needs <round> <scenario> <variant> values")
            rnd = _ints(rest[:1], where, lineno)[0]
            if not 0 <= rnd < run.rounds:
                raise ParseError(f"{where}:{lineno}: round {rnd} >= rounds {run.rounds}")
            scen = _known(rest[1], SCENARIOS, "scenario", where, lineno)
            var = _known(rest[2], VARIANTS, "variant", where, lineno)
            vals = [v / 1000 for v in _ints(rest[3:], where, lineno)]
            per = run.times.setdefault((what, scen, var), {})
            if rnd in per:
                raise ParseError(f"{where}:{lineno}: {what} {rnd} {scen} {var} appears twice")
            per[rnd] = vals
            if var not in run.variants:
                run.variants.append(var)
        elif what == "probe":
            if len(rest) < 4 or rest[2] != "all":
                raise ParseError(f"{where}:{lineno}: probe needs <round> <scenario> all values")
            rnd = _ints(rest[:1], where, lineno)[0]
            if not 0 <= rnd < run.rounds:
                raise ParseError(f"{where}:{lineno}: round {rnd} out of range")
            scen = _known(rest[1], SCENARIOS, "scenario", where, lineno)
            per = run.probes.setdefault(scen, {})
            if rnd in per:
                raise ParseError(f"{where}:{lineno}: probe {rnd} {scen} appears twice")
            per[rnd] = _ints(rest[3:], where, lineno)
        elif what == "window":
            if len(rest) != 4:
                raise ParseError(f"{where}:{lineno}: window needs <round> <scenario> <variant> <n>")
            rnd, n = _ints([rest[0], rest[3]], where, lineno)
            if rnd < 0 or n < 1:
                raise ParseError(f"{where}:{lineno}: window round or n out of range")
            scen = _known(rest[1], SCENARIOS, "scenario", where, lineno)
            var = rest[2] if rest[2] == EMPTY else _known(rest[2], VARIANTS, "variant", where, lineno)
            run.windows.append((rnd, scen, var, n))
            if var != EMPTY and var not in run.variants:
                run.variants.append(var)
        elif what == "end":
            ended = True
        else:
            raise ParseError(f"{where}:{lineno}: unknown kcb line '{what[:30]}'")
    if not run.mode:
        raise ParseError(f"{where}: no '# kcb: begin' line (the suite did not run; kernel log cut short?)")
    if not ended:
        raise ParseError(f"{where}: cut short: no '# kcb: end' line after line {lineno}")
    if run.kunit == "not ok":
        raise ParseError(f"{where}: KUnit reports the kcb_slab suite failed")
    if run.mode == "time":
        _check_complete(run, where)
    elif not run.windows:
        raise ParseError(f"{where}: mode=count but no window lines")
    return run


def _check_complete(run, where):
    """Every (kind, scenario, variant) has every round; the calibrations are there."""
    for when in ("start", "end"):
        for chain in CHAINS:
            if not run.calib.get(when, {}).get(chain):
                raise ParseError(f"{where}: no '{when} {chain}' calibration lines")
    for (kind, scen, var), per in run.times.items():
        if len(per) != run.rounds:
            miss = min(set(range(run.rounds)) - set(per))
            raise ParseError(f"{where}: {kind} {scen} {var}: round {miss} missing")
    for scen in EXEC_SCENARIOS:
        got = run.probes.get(scen, {})
        if len(got) != run.rounds:
            raise ParseError(f"{where}: probe {scen}: round {min(set(range(run.rounds)) - set(got))} missing")
        for var in run.variants:
            for kind in ("body", "empty"):
                if (kind, scen, var) not in run.times:
                    raise ParseError(f"{where}: no {kind} {scen} {var} lines")
