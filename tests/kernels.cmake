# Hot-path registry, patched sites and the refusal of unpatched sites.
add_executable(test_hotpaths ${CMAKE_CURRENT_LIST_DIR}/test_hotpaths.cpp)
target_link_libraries(test_hotpaths PRIVATE kcb_kernels)
string(REPLACE ";" "," _kcb_variant_list "${KCB_VARIANTS}")
target_compile_definitions(test_hotpaths PRIVATE "KCB_TEST_VARIANTS=\"${_kcb_variant_list}\"")
add_test(NAME hotpaths_patched_sites COMMAND test_hotpaths)
add_test(NAME hotpaths_unpatched_rejected COMMAND test_hotpaths --unpatched)
