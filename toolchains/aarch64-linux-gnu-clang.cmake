# SPDX-License-Identifier: GPL-2.0
# aarch64-linux-gnu with clang-16 (the kernel's LLVM=1): the gcc toolchain file's arch
# flags, code model and sysroot, compiled by clang
set(KCB_COMPILER clang)
include(${CMAKE_CURRENT_LIST_DIR}/aarch64-linux-gnu.cmake)
