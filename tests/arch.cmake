# Arch-layer tests: the runtime_const / projected patchers (property test,
# doctored sites) and cpu.h.  They link only kcb_arch and their own sites,
# never kcb_kernels.  Foreign arches run under CMAKE_CROSSCOMPILING_EMULATOR.
set(_kcb_t_dir ${CMAKE_CURRENT_LIST_DIR})

add_library(kcb_t_rc_sites OBJECT ${_kcb_t_dir}/test_runtime_const_sites.cpp)
set(_kcb_t_site_objs $<TARGET_OBJECTS:kcb_t_rc_sites>)
if(KCB_ARCH_DIR STREQUAL "riscv64")
  # the Zba and Zbkb forms, built like the hot-path variants
  add_library(kcb_t_rc_sites_zba OBJECT ${_kcb_t_dir}/test_runtime_const_sites.cpp)
  target_compile_definitions(kcb_t_rc_sites_zba PRIVATE KCB_RC_FORM_ZBA=1)
  target_compile_options(kcb_t_rc_sites_zba PRIVATE -march=rv64gc_zba)
  add_library(kcb_t_rc_sites_zbkb OBJECT ${_kcb_t_dir}/test_runtime_const_sites.cpp)
  target_compile_definitions(kcb_t_rc_sites_zbkb PRIVATE KCB_RC_FORM_ZBKB=1)
  target_compile_options(kcb_t_rc_sites_zbkb PRIVATE -march=rv64gc_zbkb)
  list(APPEND _kcb_t_site_objs $<TARGET_OBJECTS:kcb_t_rc_sites_zba> $<TARGET_OBJECTS:kcb_t_rc_sites_zbkb>)
endif()

foreach(t runtime_const_property runtime_const_doctored)
  add_executable(test_${t} ${_kcb_t_dir}/test_${t}.cpp ${_kcb_t_site_objs} $<TARGET_OBJECTS:kcb_arch>)
  target_include_directories(test_${t} PRIVATE ${_kcb_t_dir})
  add_test(NAME arch.${t} COMMAND test_${t})
  set_tests_properties(arch.${t} PROPERTIES LABELS arch TIMEOUT 600)
endforeach()

add_executable(test_arch_cpu ${_kcb_t_dir}/test_arch_cpu.cpp)
add_test(NAME arch.cpu COMMAND test_arch_cpu)
set_tests_properties(arch.cpu PROPERTIES LABELS arch)
