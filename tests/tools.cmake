# The python tools (report, compare, merge, schema, static metrics) run on the
# host, so only the native preset runs their unit tests.
if(KCB_SANITIZE)
  # the python tools are not native code: here only kcb_bench's argv fuzz,
  # against the sanitized binary
  add_test(NAME fuzz_bench_argv
    COMMAND ${CMAKE_COMMAND} -E env KCB_BENCH_BIN=$<TARGET_FILE:kcb_bench>
      /usr/bin/python3 -m unittest tests.tools.test_fuzz_readers.FuzzBenchArgv
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
elseif(KCB_ARCH_DIR STREQUAL "x86_64")
  add_test(NAME python_tools
    COMMAND /usr/bin/python3 -m unittest discover -s ${CMAKE_SOURCE_DIR}/tests/tools -t ${CMAKE_SOURCE_DIR} -v
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endif()
