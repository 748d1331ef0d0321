# mips64 (mips64el): non-PIC code like the kernel (-mno-shared: absolute addresses, direct calls), kept abicalls-compatible so libstdc++ calls work; -msym32 as a CKSEG0 kernel: lui+ld / lui+daddiu
set(CMAKE_SYSTEM_PROCESSOR mips64)
set(KCB_TRIPLE mips64el-linux-gnuabi64)
set(KCB_ARCH mips64el)
set(KCB_QEMU qemu-mips64el)
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-mabicalls -mno-shared -fno-pic -msym32")
set(KCB_ARCH_LDFLAGS "-Wl,-Ttext-segment=0x10000000")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
