# armv7l (armhf): Thumb-2 (Debian armhf default); movw/movt literals
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(KCB_TRIPLE arm-linux-gnueabihf)
set(KCB_ARCH armhf)
set(KCB_QEMU qemu-arm)
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
