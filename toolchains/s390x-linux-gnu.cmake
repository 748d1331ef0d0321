# s390x (s390x): lgrl/larl relative addressing, iihf/iilf immediates
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(KCB_TRIPLE s390x-linux-gnu)
set(KCB_ARCH s390x)
set(KCB_QEMU qemu-s390x)
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-march=z13")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
