# i686 (i686): absolute 32-bit addressing
set(CMAKE_SYSTEM_PROCESSOR i686)
set(KCB_TRIPLE i686-linux-gnu)
set(KCB_ARCH i686)
set(KCB_QEMU qemu-i386)
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-march=i686 -mfpmath=387")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
