# SPDX-License-Identifier: GPL-2.0
"""The context section: what each results file says about its host, build
and tools."""



def ctx_items(ctx, keys):
    out = []
    for k in keys:
        v = ctx.get(k)
        if v is None or v == "":
            continue
        out.append((k, str(v)))
    return out


MEASURED_CTX = ["host", "cpu_model", "cores", "kernel", "arch", "triple",
                "compiler", "flags", "config", "static_keys", "percpu", "pages", "execution",
                "qemu_version", "qemu_cpu",
                "counter_source", "counter_note", "pmu", "ticks_per_cycle",
                "ticks_hz", "governor", "pinned_cpu", "pin_note", "method",
                "evict_method", "latency_method", "contention",
                "calibration", "date", "git_rev", "command"]


STATIC_CTX = ["arch", "triple", "objdump", "llvm_mca", "qemu_version",
              "qemu_cpu", "flags"]
