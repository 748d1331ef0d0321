# Asm assertions (issue 3): every instruction of the kcb_site__* and
# kcb_callsite__* symbols of kcb_count (tools/) against tests/asm/<arch>.check,
# with LLVM 16 FileCheck (tools/asmcheck/run_check.py).  A missing check file
# fails the test rather than skipping it.  After an intended change:
#   tools/asmcheck/gen_check.py --arch <arch> --objdump <triple>-objdump \
#       --binary <build>/tools/kcb_count > tests/asm/<arch>.check
# A clang build reads tests/asm/<arch>.clang.check (<arch>.<compiler>.check):
# the inline asm is the same, the code around it (register choice, CSE of the
# constant) is not.
set(_kcb_asm_check ${CMAKE_CURRENT_LIST_DIR}/asm/${KCB_ARCH_DIR}.check)
if(KCB_COMPILER STREQUAL "clang")
  set(_kcb_asm_check ${CMAKE_CURRENT_LIST_DIR}/asm/${KCB_ARCH_DIR}.${KCB_COMPILER}.check)
endif()
set(_kcb_asm_run /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/asmcheck/run_check.py
    --arch ${KCB_ARCH_DIR} --objdump ${KCB_TRIPLE}-objdump --binary $<TARGET_FILE:kcb_count>
    --check ${_kcb_asm_check})
if(KCB_SANITIZE)
  # the sanitizer instruments the code these checks read: they say why not
  set(_kcb_asm_run sh -c "echo 'skip: built with ASan/UBSan (x86_64-asan): the listing is instrumented code, the x86_64 preset checks it' && exit 77" --)
endif()
add_test(NAME asm_sequences COMMAND ${_kcb_asm_run})
# Inverted on purpose: passes only if the clean listing passes AND a listing
# whose runtime_const/static sites were doctored is rejected.
add_test(NAME asm_sequences_doctored COMMAND ${_kcb_asm_run} --doctored)
set_tests_properties(asm_sequences asm_sequences_doctored PROPERTIES LABELS "asm;static"
  SKIP_RETURN_CODE 77)
