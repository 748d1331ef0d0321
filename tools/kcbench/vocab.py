# SPDX-License-Identifier: GPL-2.0
"""The project's vocabulary: every arch, model, variant, scenario, hot-path
function and unit name, defined once, in its canonical order.

run_all.sh, CMake (CMakeLists.txt, CMakePresets.json, toolchains/,
kernels/) and the C++ (variant_rank(), the paired baselines, the units the
counters emit) spell some of these again; tests/tools/test_vocab.py checks
every one of those spellings against this file.
"""
from collections import namedtuple

# name:       the arch/<dir> name; results/, tools/ and plots/ use it
# preset:     the CMake preset and run_all.sh --arch name
# processor:  CMAKE_SYSTEM_PROCESSOR of its toolchain file
# triple:     GNU triple (toolchains/<triple>.cmake, <triple>-objdump)
# qemu, qemu_cpu: user-mode emulator and its -cpu options; host_native: the
#             build host runs it without QEMU (the QEMU count still uses it)
# real_rc:    a real runtime_const (patched immediate); else asm-generic's
#             pointer load plus the projected sequence
# uname_m:    `uname -m` values a lab machine of this arch may report
# mca_*:      llvm-mca-16 target, attributes and CPUs; mca_note: caveat
Arch = namedtuple("Arch", "name preset processor triple qemu qemu_cpu host_native "
                  "real_rc uname_m mca_triple mca_attr mca_cpus mca_note")

# mca_cpus: the CPUs asked for in issue 3 (every distinct LLVM 16 model on
# riscv64).  znver4 is left out: LLVM 16 accepts the name, but this tool
# cannot tell whether it has its own scheduling model.
_ARCH_LIST = (
    Arch("x86_64", "x86_64", "x86_64", "x86_64-linux-gnu", "qemu-x86_64", (), True,
         True, ("x86_64",), "x86_64-linux-gnu", None,
         ("skylake", "icelake-server", "znver3"), ""),
    Arch("arm64", "aarch64", "aarch64", "aarch64-linux-gnu", "qemu-aarch64", (), False,
         True, ("aarch64", "arm64"), "aarch64-linux-gnu", None,
         ("cortex-a55", "neoverse-n1", "neoverse-v2"), ""),
    Arch("riscv64", "riscv64", "riscv64", "riscv64-linux-gnu", "qemu-riscv64",
         ("-cpu", "rv64,zba=true,zbkb=true"), False,
         True, ("riscv64",), "riscv64-linux-gnu", "+m,+a,+f,+d,+c,+zba,+zbkb",
         ("rocket-rv64", "sifive-u74"), ""),
    Arch("s390x", "s390x", "s390x", "s390x-linux-gnu", "qemu-s390x", (), False,
         True, ("s390x",), "s390x-linux-gnu", None, ("z15",), ""),
    Arch("ppc64le", "ppc64le", "ppc64le", "powerpc64le-linux-gnu", "qemu-ppc64le", (), False,
         False, ("ppc64le",), "powerpc64le-linux-gnu", None, ("pwr9",), ""),
    Arch("armhf", "armhf", "armv7l", "arm-linux-gnueabihf", "qemu-arm", (), False,
         False, ("armv7l", "armv8l", "aarch64"), "thumbv7-linux-gnueabihf", None,
         ("cortex-a57",),
         "Cortex-A57 (AArch32 state) scheduling model on our Thumb-2 armv7-a code"),
    Arch("i686", "i686", "i686", "i686-linux-gnu", "qemu-i386", (), False,
         False, ("i686", "i586", "x86_64"), "i686-linux-gnu", None, ("skylake",),
         "Skylake model on our 32-bit i686 code"),
    # LLVM 16 has no MIPS64 core model; mips64r2 uses its generic MIPS model.
    Arch("mips64el", "mips64el", "mips64", "mips64el-linux-gnuabi64", "qemu-mips64el", (), False,
         False, ("mips64",), "mips64el-linux-gnuabi64", None, ("mips64r2",),
         "LLVM 16 has no MIPS64 core model: mips64r2 uses LLVM's generic MIPS model"),
)
ARCHES = {a.name: a for a in _ARCH_LIST}
ARCH_NAMES = tuple(ARCHES)
GENERIC_RC_ARCHES = tuple(a.name for a in _ARCH_LIST if not a.real_rc)


def arch_by_preset(preset):
    """The Arch whose preset (run_all.sh --arch name) is preset, or None."""
    return next((a for a in _ARCH_LIST if a.preset == preset), None)


# Compilers: gcc builds every arch (the presets above, toolchains/<triple>.cmake);
# Debian's clang-16 (the kernel's LLVM=1: same triple, binutils and sysroot)
# builds CLANG_ARCHES as presets <preset>-clang, toolchains/<triple>-clang.cmake
# (KCB_COMPILER in toolchains/common.cmake).  A results file's
# context.compiler starts with the compiler's name ("clang 16.0.6"); absent
# means gcc, the compiler before there was a choice.
COMPILERS = ("gcc", "clang")
DEFAULT_COMPILER = COMPILERS[0]
CLANG = COMPILERS[1]
CLANG_ARCHES = ("x86_64", "arm64", "riscv64")

# preset: CMake preset and run_all.sh build name; arch: its Arch;
# toolchain: the file under toolchains/
Build = namedtuple("Build", "preset arch compiler toolchain")


def _build(arch, compiler):
    suffix = "" if compiler == DEFAULT_COMPILER else "-" + compiler
    return Build(arch.preset + suffix, arch, compiler, arch.triple + suffix + ".cmake")


# every CMake preset: the gcc builds in arch order, then the clang builds
BUILDS = tuple(_build(a, DEFAULT_COMPILER) for a in _ARCH_LIST) + \
    tuple(_build(ARCHES[n], CLANG) for n in CLANG_ARCHES)
CLANG_PRESETS = tuple(b.preset for b in BUILDS if b.compiler == CLANG)


def compiler_of(text):
    """The compiler a context.compiler text (or None) names; gcc when it
    names none."""
    return next((c for c in COMPILERS if (text or "").startswith(c)), DEFAULT_COMPILER)

# extra builds of an arch's preset: {preset: the arch preset it builds
# again}; x86_64-asan: ASan + UBSan (toolchains/common.cmake KCB_SANITIZE),
# run by ./run_all.sh test
DERIVED_PRESETS = {"x86_64-asan": "x86_64"}

MODELS = ("sheaves", "cpu_slab")
# the kernel range each model follows (cpu_slab: 6.18/6.19 also test
# s->cpu_sheaves on that path, which the model does not)
MODEL_KERNELS = {"sheaves": "7.x", "cpu_slab": "<= 6.17"}

# the model's .configs (kernels/include/kconfig.h): distro = Debian 6.12
# settings, the default; minimal = the model before issue 18.  Symbols of a
# config other than the default end in __<config>.
CONFIGS = ("distro", "minimal")
DEFAULT_CONFIG = "distro"
CONFIG_NOTES = {
    "distro": "Debian 6.12: init_on_alloc on (static key), kfence key off, hardened "
              "freelist compiled in, memcg, voluntary preemption (cond_resched call)",
    "minimal": "init_on_alloc=0 read from memory, kfence gate loaded, hardened freelist "
               "tested at run time, no cond_resched",
}

# report order (bench/scenarios.cpp variant_rank()): the reference pointer
# first, the runtime_const family, projected, static, static's alignments
VARIANTS = ("pointer", "runtime_const", "runtime_const_zba", "runtime_const_zbkb",
            "projected", "static", "static_a8", "static_a64")
POINTER_VARIANT = "pointer"        # the reference: bloat-o-meter's baseline
STATIC_VARIANT = "static"          # the paired-delta baseline
STATIC_ALIGN_BASELINE = "static_a8"  # static_align's paired-delta baseline
PROJECTED_VARIANT = "projected"
VARIANT_NOTES = {PROJECTED_VARIANT: "projected (no kernel support)"}
GENERIC_RC_NOTE = "asm-generic fallback: pointer load"

SCENARIOS = ("callsite", "latency", "inline_fields", "cold_pointer", "many_caches",
             "static_align")
# scenarios that measure more than a kernel caller does (bench/scenarios.cpp
# kcb_scenario_bound(), the records' "bound")
UPPER_BOUND = "upper bound: the dependency chain and field reads that real callers do not have"
SCENARIO_BOUNDS = {"latency": UPPER_BOUND, "inline_fields": UPPER_BOUND}
# hot-path functions kcb_<fn>__<model>__<variant>: the call site, then the
# bodies the scenarios run (cold_pointer runs callsite's)
FNS = ("site", "callsite", "latency", "inline_fields", "many_caches", "static_align")
SCENARIO_FNS = FNS[1:]

# measured units, in the order the primary unit is picked (bench/results.cpp
# kcb_primary()); the perf counters come after every timing unit
NATIVE_TIME_UNITS = ("pmu-cycles", "calibrated-cycles", "tsc-ticks", "timer-ticks", "ns")
EMULATED_TIME_UNIT = "emulated-ns"
PERF_UNITS = ("instructions", "L1-dcache-load-misses")
UNITS = NATIVE_TIME_UNITS + (EMULATED_TIME_UNIT,) + PERF_UNITS

# static units (tools/static_metrics.py), with what each counts
QEMU_INSNS_UNIT = "qemu-insns"
STATIC_UNITS = {
    "bytes": "ELF st_size",
    "insns": "objdump instructions in the symbol",
    QEMU_INSNS_UNIT: "executed instructions, QEMU TCG plugin",
    "mca-cycles(<cpu>)": "llvm-mca-16 estimate: throughput_cycles = Total Cycles / Iterations "
                         "at 100 iterations; block_rthroughput = Block RThroughput; "
                         "latency_cycles = Total Cycles of 1 iteration",
}


def mca_unit(cpu):
    """llvm-mca's estimate is in the cycles of one CPU model: mca-cycles(cpu)."""
    return f"mca-cycles({cpu})"


def order(seq, known):
    """Known names first in their canonical order, then the rest sorted."""
    rank = {k: i for i, k in enumerate(known)}
    return sorted(set(seq), key=lambda x: (rank.get(x, len(rank)), str(x)))


def rank_key(known, missing=99):
    """A sort key: a name's index in known, unknown names at missing."""
    rank = {k: i for i, k in enumerate(known)}
    return lambda x: rank.get(x, missing)


def sort_keys(keys, *known):
    """Tuples sorted by each field's rank in its known list (models,
    variants, ...), unknown names last, ties by the tuple itself."""
    ranks = [rank_key(k) for k in known]
    return sorted(keys, key=lambda t: tuple(r(x) for r, x in zip(ranks, t)) + (t,))
