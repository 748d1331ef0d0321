# Hot-path registry, patched sites and the refusal of unpatched sites.
add_executable(test_hotpaths ${CMAKE_CURRENT_LIST_DIR}/test_hotpaths.cpp)
target_link_libraries(test_hotpaths PRIVATE kcb_kernels)
string(REPLACE ";" "," _kcb_variant_list "${KCB_VARIANTS}")
target_compile_definitions(test_hotpaths PRIVATE "KCB_TEST_VARIANTS=\"${_kcb_variant_list}\"")
add_test(NAME hotpaths_patched_sites COMMAND test_hotpaths)
add_test(NAME hotpaths_unpatched_rejected COMMAND test_hotpaths --unpatched)

# kernels/ in layers (issue 15): no cycle and no upward edge, neither in the
# #include graph of the sources nor in the symbol graph of the built objects;
# the selftest shows the check catches both on a bad tree.
add_test(NAME kernels_layers
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_kernels_layers.py ${CMAKE_SOURCE_DIR}/kernels
          --nm ${KCB_TRIPLE}-nm --objects "$<TARGET_OBJECTS:kcb_slub>" "$<TARGET_OBJECTS:kcb_kernels>"
          "$<TARGET_OBJECTS:kcb_hp_pointer>")
add_test(NAME kernels_layers_selftest
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_kernels_layers.py --selftest)
set_tests_properties(kernels_layers kernels_layers_selftest PROPERTIES LABELS kernels)
