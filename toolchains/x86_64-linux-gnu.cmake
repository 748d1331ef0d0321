# x86_64 (x86_64): native host; small code model, rip-relative data, no PIE
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(KCB_TRIPLE x86_64-linux-gnu)
set(KCB_ARCH x86_64)
set(KCB_QEMU )
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-mcmodel=small -mcx16 -mno-red-zone -fcf-protection=none")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
