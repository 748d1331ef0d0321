# x86_64 (x86_64): native host; the kernel's code model, no PIE.
# -mcmodel=kernel emits a static address as the sign-extended imm32
# (mov $sym,%rdi, 7 bytes; R_X86_64_32S) that the kernel has: a non-PIE
# image linked below 2 GiB is in that range too, so the code is the
# kernel's byte for byte (only the relocated values differ).
# -mprfchw: prefetchw for prefetch(p, 1), as the kernel's prefetchw().
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(KCB_TRIPLE x86_64-linux-gnu)
set(KCB_ARCH x86_64)
set(KCB_QEMU )
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-mcmodel=kernel -mprfchw -mcx16 -mno-red-zone -fcf-protection=none")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
