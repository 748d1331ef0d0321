# Shared by every toolchains/<triple>.cmake: kernel-like code generation.
# Non-PIE (the kernel is linked at a fixed address), no LTO across the
# allocator boundary, no stack protector in the hot paths.
# KCB_FLAGS is the exact flag set; it is compiled into every binary and
# recorded in the results, so a reader knows what produced the code.
set(CMAKE_SYSTEM_NAME Linux)
set(KCB_COMMON_FLAGS "-O2 -fno-pie -fno-lto -fno-strict-aliasing -fno-stack-protector")
set(KCB_FLAGS "${KCB_COMMON_FLAGS} ${KCB_ARCH_FLAGS}")
# KCB_COMPILER: gcc (default) or clang (Debian's clang-16, --target the same
# triple, the same binutils and sysroot: the kernel's LLVM=1 build)
if(KCB_COMPILER STREQUAL "clang")
  set(CMAKE_C_COMPILER clang-16)
  set(CMAKE_CXX_COMPILER clang++-16)
  set(CMAKE_C_COMPILER_TARGET ${KCB_TRIPLE})
  set(CMAKE_CXX_COMPILER_TARGET ${KCB_TRIPLE})
  set(CMAKE_ASM_COMPILER_TARGET ${KCB_TRIPLE})
else()
  set(KCB_COMPILER gcc)
  set(CMAKE_C_COMPILER ${KCB_TRIPLE}-gcc)
  set(CMAKE_CXX_COMPILER ${KCB_TRIPLE}-g++)
endif()
# KCB_SANITIZE (preset x86_64-asan): ASan + UBSan over the same flags, and
# every finding is fatal (no recovery), so a report fails its test
set(KCB_SANITIZE_FLAGS "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer")
if(KCB_SANITIZE)
  set(KCB_FLAGS "${KCB_FLAGS} ${KCB_SANITIZE_FLAGS}")
  set(KCB_ARCH_LDFLAGS "${KCB_ARCH_LDFLAGS} ${KCB_SANITIZE_FLAGS}")
endif()
set(CMAKE_C_FLAGS_INIT "${KCB_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${KCB_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${KCB_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-no-pie ${KCB_ARCH_LDFLAGS}")
set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
if(KCB_QEMU)
  set(KCB_EMULATOR ${KCB_QEMU} -L /usr/${KCB_TRIPLE} ${KCB_QEMU_CPU})
  set(CMAKE_CROSSCOMPILING_EMULATOR ${KCB_EMULATOR})
  set(CMAKE_FIND_ROOT_PATH /usr/${KCB_TRIPLE})
  set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
endif()
