# SPDX-License-Identifier: GPL-2.0
"""The "Real SLUB, executed" part of the real-kernel section, from
tools/kernel --exec's exec.json: UML timings of the real mm/slub.c
(native core) and qemu-system TCG instruction counts per arch, each beside
the model's figure for the same scenario, with a line wherever the two
disagree by more than a few cycles or instructions, and why."""
from ...kernel.exec.kunit_parse import EXEC_SCENARIOS as SCENARIOS
from ...kernel.transform import VARIANTS  # the three the kernel mode builds
from ..blocks import Table

CYCLES_CLOSE = 3.0      # "a few" cycles
INSNS_CLOSE = 3         # "a few" instructions

# what differs between the model and the real op (the model covers the
# fast path only; docs/FIDELITY.md compares them step by step); which part
# accounts for a difference is not measured here, only listed
WHY_INSNS = ("the model reimplements the fast path alone; the real op also runs the "
             "kernel's own entry checks and hooks around it as this config builds them "
             "(slab_pre_alloc_hook, slab_post_alloc_hook with the init_on_alloc memset, "
             "the free's virt_to_slab and cache checks), and its own per-CPU and "
             "call sequences for the arch")
WHY_MODEL_MORE = ("the model counts its distro-config fast path with its user-space "
                  "per-CPU stand-ins (the model run's context.percpu names them{percpu}), "
                  "while the real op runs what this KUnit kernel's config builds; which "
                  "part accounts for the difference is not measured")
# where the model's per-CPU stand-in is known to be longer than the kernel's
PERCPU_LONGER = {"s390x": "; s390x reads TLS where the kernel reads its lowcore"}
WHY_UML = ("UML differs from the model's build in ways that move these figures: its "
           "per-CPU ops are asm-generic, so the fast path's this_cpu_try_cmpxchg128 "
           "(cmpxchg16b in the model and on x86) is an irq save/restore, calls to "
           "um_set_signals(), around a compare and two stores; it builds with "
           "-mcmodel=large, so every call is movabs+call *%rax, a static address is "
           "a 10-byte movabs (x86's runtime_const instruction) and the pointer is "
           "movabs+load; which of these accounts for the difference is not measured")


def _n(x, nd=1):
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{nd}f}".rstrip("0").rstrip(".") if nd else str(round(x))
    return str(x)


def _uml_blocks(arch, a, level):
    out = [("h", level + 1, f"Real SLUB executed, {arch}: {a.get('source', '')}")]
    cal = a.get("calibration") or {}
    unit = next((r["unit"] for r in a.get("records", {}).values()), "-")
    out.append(("p", f"CPU: {a.get('cpu', '?')}. Calibration: add chain "
                     f"{_n(cal.get('add_ticks_per_cycle'), 3)} ticks/cycle, imul chain "
                     f"{_n(cal.get('mul_ticks_per_cycle'), 3)}: "
                     + ("agree within 5%, figures in calibrated-cycles." if cal.get("tpc")
                        else f"{cal.get('why') or 'not calibrated'}.")
                     + (f" Samples: {a['contention']}." if a.get("contention") else "")))
    model = a.get("model") or {}
    mt = model.get("timings") or {}
    rows = []
    for scen in SCENARIOS:
        for v in VARIANTS:
            r = a.get("records", {}).get(f"{scen}/{v}")
            m = (mt.get(f"{scen}/{v}") or {}).get(unit)   # the model in the same unit
            if r is None:
                why = a.get("runtime_const") if v == "runtime_const" else "not measured"
                rows.append([scen, v, why, "-", _n(m), "-"])
                continue
            diff = r["median"] - m if m is not None else None
            rows.append([scen, v, _n(r["median"]), f"[{_n(r['ci95_lo'])}, {_n(r['ci95_hi'])}]",
                         _n(m), _n(diff)])
    out.append(("table", Table(f"Per alloc+free pair, median ({unit}); model: {model.get('source') or 'no model run found'}",
                               ["scenario", "variant", "real slub.c", "95% CI", "model cpu_slab", "real - model"],
                               rows, key=2)))
    d = a.get("deltas") or {}
    lines = []
    for k, x in sorted(d.items()):
        m = (mt.get(f"{k}-static") or {}).get(x["unit"])
        lines.append(f"{k.replace('/', ' ')} - static: {_n(x['median'])} {x['unit']} "
                     f"[{_n(x['ci95_lo'])}, {_n(x['ci95_hi'])}] (paired samples); "
                     f"model: {_n(m)}")
    far = [f"{scen} {v}" for scen in SCENARIOS for v in VARIANTS
           if (r := a.get("records", {}).get(f"{scen}/{v}"))
           and (m := (mt.get(f"{scen}/{v}") or {}).get(unit)) is not None
           and abs(r["median"] - m) > CYCLES_CLOSE]
    if far:
        lines.append(f"Model and real SLUB differ by more than {CYCLES_CLOSE:g} {unit} "
                     f"({', '.join(far)}). {WHY_UML}; and {WHY_INSNS}.")
    if lines:
        out.append(("list", lines))
    return out


def _tcg_blocks(arch, a, level):
    out = [("h", level + 1, f"Real SLUB executed, {arch}: {a.get('source', '')}")]
    out.append(("p", f"qemu-insns per alloc+free pair (an instruction count, never a time), "
                     f"QEMU {a.get('qemu_version') or '?'}, -cpu {a.get('qemu_cpu', '?')}; the minimum of each window over the "
                     f"rounds (an interrupt inside a window only adds), then 2N - N. runtime_const: "
                     f"{a.get('runtime_const', '-')}. Site = the op's own symbol "
                     f"(kcb_<scenario>__<variant>); op = site + everything it calls."))
    model = a.get("model") or {}
    mc = model.get("counts") or {}
    rows, far, far_model = [], [], []
    for scen in SCENARIOS:
        for v in VARIANTS:
            r = (a.get("counts") or {}).get(scen, {}).get(v)
            m = mc.get(f"{scen}/{v}")
            if r is None:
                rows.append([scen, v, a.get("runtime_const") if v == "runtime_const" else "-",
                             "-", _n(m and m["site_insns_per_op"]), _n(m and m["insns_per_op"])])
                continue
            rows.append([scen, v, _n(r["site_insns_per_op"]), _n(r["insns_per_op"]),
                         _n(m and m["site_insns_per_op"]), _n(m and m["insns_per_op"])])
            if m and abs(r["insns_per_op"] - m["insns_per_op"]) > INSNS_CLOSE:
                (far if r["insns_per_op"] > m["insns_per_op"] else far_model).append(
                    f"{scen} {v} ({_n(r['insns_per_op'])} vs {_n(m['insns_per_op'])})")
    out.append(("table", Table(f"qemu-insns per op; model: {model.get('source') or 'none'} (cpu_slab, distro)",
                               ["scenario", "variant", "real site", "real op", "model site", "model op"],
                               rows, key=2)))
    lines = []
    c = a.get("counts") or {}
    for scen in SCENARIOS:
        s = c.get(scen, {}).get("static")
        if s and "entry_insns_per_op" in s:
            lines.append(f"{scen} static, where the op's {_n(s['insns_per_op'])} insns run: the "
                         f"call site {_n(s['site_insns_per_op'])}, the bodies of "
                         f"kmem_cache_alloc_noprof + kmem_cache_free {_n(s['entry_insns_per_op'])}, "
                         f"the functions they call {_n(s['callee_insns_per_op'])}")
    for scen in SCENARIOS:
        s = c.get(scen, {})
        if "static" in s:
            for v in ("pointer", "runtime_const"):
                if v in s:
                    lines.append(f"{scen}: {v} - static = {_n(s[v]['insns_per_op'] - s['static']['insns_per_op'])} "
                                 f"insns per op (real slub.c)")

    for v, insns in (a.get("callsite_listing") or {}).items():
        patch = "; the immediate before its boot-time patch" if v == "runtime_const" else ""
        lines.append(f"kcb_callsite__{v} as built (objdump of vmlinux{patch}): " + "; ".join(insns))
    if far:
        lines.append(f"Real SLUB runs more than {INSNS_CLOSE} insns per op over the model: "
                     f"{', '.join(far)}: {WHY_INSNS}.")
    if far_model:
        lines.append(f"The model runs more than {INSNS_CLOSE} insns per op over real SLUB: "
                     f"{', '.join(far_model)}: "
                     f"{WHY_MODEL_MORE.format(percpu=PERCPU_LONGER.get(arch, ''))}.")
    if lines:
        out.append(("list", lines))
    return out


def exec_blocks(doc, level=2):
    """Blocks of an exec.json document (kind "kernel_exec")."""
    ctx = doc.get("context", {})
    out = [("h", level, "Real SLUB, executed (tools/kernel --exec)"),
           ("p", f"Tree: {ctx.get('tree', '?')} ({ctx.get('version', '?')}); host CPU: "
                 f"{ctx.get('host_cpu', '?')} (family {ctx.get('host_cpu_family', '?')}, model "
                 f"{ctx.get('host_cpu_model', '?')}). One KUnit suite (kcb_slab), one cache "
                 f"reached three ways, one kernel per arch. Command: {ctx.get('command', '?')}.")]
    for arch, a in doc.get("arches", {}).items():
        if a.get("status") != "ok":
            out.append(("h", level + 1, f"Real SLUB executed, {arch}"))
            out.append(("p", a.get("status", "not run")))
            continue
        out += _uml_blocks(arch, a, level) if "records" in a else _tcg_blocks(arch, a, level)
        out.append(("p", f"{arch}: build {a.get('build')}"
                         + (f" in {_n(a['build_seconds'], 0)} s" if a.get("build_seconds") else "")
                         + f"; boot + run {_n(a.get('run_seconds'), 0)} s."))
    return out
