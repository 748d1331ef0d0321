# The python tools (report, compare, merge, schema, static metrics) run on the
# host, so only the native preset runs their unit tests.
if(KCB_ARCH_DIR STREQUAL "x86_64")
  add_test(NAME python_tools
    COMMAND /usr/bin/python3 -m unittest discover -s ${CMAKE_SOURCE_DIR}/tests/tools -t ${CMAKE_SOURCE_DIR} -v
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endif()
