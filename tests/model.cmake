# The SLUB-equivalent model: allocation correctness of both models and the
# cache set-up / per-CPU / hook machinery.  Linked with the allocator sources
# only (kcb_slub, both configs) and the arch layer (the static keys' patcher),
# so these tests do not depend on the hot paths or runtime_const patching.
add_executable(test_model_alloc ${CMAKE_CURRENT_LIST_DIR}/test_model_alloc.cpp $<TARGET_OBJECTS:kcb_slub>
               $<TARGET_OBJECTS:kcb_slub_minimal> $<TARGET_OBJECTS:kcb_arch>)
add_executable(test_model_layout ${CMAKE_CURRENT_LIST_DIR}/test_model_layout.cpp $<TARGET_OBJECTS:kcb_slub>
               $<TARGET_OBJECTS:kcb_slub_minimal> $<TARGET_OBJECTS:kcb_arch>)
add_test(NAME model_alloc_sheaves COMMAND test_model_alloc sheaves)
add_test(NAME model_alloc_sheaves_minimal COMMAND test_model_alloc sheaves hardened minimal)
add_test(NAME model_alloc_cpu_slab_hardened COMMAND test_model_alloc cpu_slab hardened)
add_test(NAME model_alloc_cpu_slab_hardened_minimal COMMAND test_model_alloc cpu_slab hardened minimal)
add_test(NAME model_alloc_cpu_slab_plain COMMAND test_model_alloc cpu_slab plain minimal)
add_test(NAME model_layout COMMAND test_model_layout)
set_tests_properties(model_alloc_sheaves model_alloc_sheaves_minimal model_alloc_cpu_slab_hardened
                     model_alloc_cpu_slab_hardened_minimal model_alloc_cpu_slab_plain
                     model_layout PROPERTIES TIMEOUT 120)
# arm64: main enters through the model's __wrap_main (kernels/CMakeLists.txt)
target_link_options(test_model_alloc PRIVATE ${KCB_MODEL_LINK_OPTIONS})
target_link_options(test_model_layout PRIVATE ${KCB_MODEL_LINK_OPTIONS})
