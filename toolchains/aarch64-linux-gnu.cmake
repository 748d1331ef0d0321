# aarch64 (arm64): small code model: adrp+ldr / adrp+add.  armv8.1-a: LSE
# atomics (casp for this_cpu_cmpxchg128), which arm64 distro kernels use on
# every CPU that has them; qemu-aarch64 (-cpu max) has them.  -ffixed-x28:
# x28 holds the per-CPU offset, the kernel's tpidr_el1 (arch/arm64/cpu.h).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(KCB_TRIPLE aarch64-linux-gnu)
set(KCB_ARCH arm64)
set(KCB_QEMU qemu-aarch64)
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-mcmodel=small -march=armv8.1-a -ffixed-x28")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
