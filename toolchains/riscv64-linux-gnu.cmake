# riscv64 (riscv64): medany like the kernel; ld 2.40 lacks --no-relax-gp and the kernel has no gp, so relaxation is off: data stays auipc+ld/addi
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(KCB_TRIPLE riscv64-linux-gnu)
set(KCB_ARCH riscv64)
set(KCB_QEMU qemu-riscv64)
set(KCB_QEMU_CPU -cpu rv64,zba=true,zbkb=true)
set(KCB_ARCH_FLAGS "-march=rv64gc -mabi=lp64d -mcmodel=medany")
set(KCB_ARCH_LDFLAGS "-Wl,--no-relax")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
