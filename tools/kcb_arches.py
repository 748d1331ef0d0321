"""Per-arch facts the static tools need: triples, QEMU, llvm-mca targets.

One table, so every tool names an arch the same way (arch/<dir> names).
"""

# mca_cpus: the CPUs asked for in issue 3 (every distinct LLVM 16 model on
# riscv64).  znver4 is left out: LLVM 16 accepts the name, but this tool
# cannot tell whether it has its own scheduling model.
ARCHES = {
    "x86_64": dict(triple="x86_64-linux-gnu", qemu="qemu-x86_64", qemu_cpu=[],
                   mca_triple="x86_64-linux-gnu", mca_attr=None,
                   mca_cpus=["skylake", "icelake-server", "znver3"]),
    "arm64": dict(triple="aarch64-linux-gnu", qemu="qemu-aarch64", qemu_cpu=[],
                  mca_triple="aarch64-linux-gnu", mca_attr=None,
                  mca_cpus=["cortex-a55", "neoverse-n1", "neoverse-v2"]),
    "riscv64": dict(triple="riscv64-linux-gnu", qemu="qemu-riscv64",
                    qemu_cpu=["-cpu", "rv64,zba=true,zbkb=true"],
                    mca_triple="riscv64-linux-gnu", mca_attr="+m,+a,+f,+d,+c,+zba,+zbkb",
                    mca_cpus=["rocket-rv64", "sifive-u74"]),
    "s390x": dict(triple="s390x-linux-gnu", qemu="qemu-s390x", qemu_cpu=[],
                  mca_triple="s390x-linux-gnu", mca_attr=None, mca_cpus=["z15"]),
    "ppc64le": dict(triple="powerpc64le-linux-gnu", qemu="qemu-ppc64le", qemu_cpu=[],
                    mca_triple="powerpc64le-linux-gnu", mca_attr=None, mca_cpus=["pwr9"]),
    "armhf": dict(triple="arm-linux-gnueabihf", qemu="qemu-arm", qemu_cpu=[],
                  mca_triple="thumbv7-linux-gnueabihf", mca_attr=None, mca_cpus=["cortex-a57"],
                  mca_note="Cortex-A57 (AArch32 state) scheduling model on our Thumb-2 armv7-a code"),
    "i686": dict(triple="i686-linux-gnu", qemu="qemu-i386", qemu_cpu=[],
                 mca_triple="i686-linux-gnu", mca_attr=None, mca_cpus=["skylake"],
                 mca_note="Skylake model on our 32-bit i686 code"),
    # LLVM 16 has no MIPS64 core model; mips64r2 uses its generic MIPS model.
    "mips64el": dict(triple="mips64el-linux-gnuabi64", qemu="qemu-mips64el", qemu_cpu=[],
                     mca_triple="mips64el-linux-gnuabi64", mca_attr=None, mca_cpus=["mips64r2"],
                     mca_note="LLVM 16 has no MIPS64 core model: mips64r2 uses LLVM's generic MIPS model"),
}

LLVM_BIN = "/usr/lib/llvm-16/bin"


def arch_info(arch):
    """The table row for arch, or None."""
    return ARCHES.get(arch)
