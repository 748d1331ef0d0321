# The SLUB-equivalent model: allocation correctness of both models and the
# cache set-up / per-CPU / hook machinery.  Linked with the allocator sources
# only (kcb_slub), so these tests do not depend on the hot paths or patching.
add_executable(test_model_alloc ${CMAKE_CURRENT_LIST_DIR}/test_model_alloc.cpp $<TARGET_OBJECTS:kcb_slub>)
add_executable(test_model_layout ${CMAKE_CURRENT_LIST_DIR}/test_model_layout.cpp $<TARGET_OBJECTS:kcb_slub>)
add_test(NAME model_alloc_sheaves COMMAND test_model_alloc sheaves)
add_test(NAME model_alloc_cpu_slab_hardened COMMAND test_model_alloc cpu_slab hardened)
add_test(NAME model_alloc_cpu_slab_plain COMMAND test_model_alloc cpu_slab plain)
add_test(NAME model_layout COMMAND test_model_layout)
set_tests_properties(model_alloc_sheaves model_alloc_cpu_slab_hardened model_alloc_cpu_slab_plain
                     model_layout PROPERTIES TIMEOUT 120)
