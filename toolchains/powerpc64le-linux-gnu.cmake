# ppc64le (ppc64le): ELFv2, TOC medium code model as the kernel builds
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(KCB_TRIPLE powerpc64le-linux-gnu)
set(KCB_ARCH ppc64le)
set(KCB_QEMU qemu-ppc64le)
set(KCB_QEMU_CPU )
set(KCB_ARCH_FLAGS "-mcmodel=medium -mcpu=power8")
set(KCB_ARCH_LDFLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
