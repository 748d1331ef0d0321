# bench/: the harness's pieces, its sensitivity, the kcb_bench command line
# (exit codes, one-line errors, no partial JSON) and its JSON against the
# schema.  In script mode (cmake -P) this file is the exit-code checker.
if(CMAKE_SCRIPT_MODE_FILE)
  # -DCMD=a|b|c -DARGS=x|y -DEXPECT=<code>|perf [-DERR=regex] [-DOUT=file]
  # [-DEXEC=native|qemu]: run, then check code, one-line stderr, no OUT left
  string(REPLACE "|" ";" cmd "${CMD}")
  string(REPLACE "|" ";" args "${ARGS}")
  if(OUT AND NOT EXEC)
    file(REMOVE "${OUT}")
  endif()
  execute_process(COMMAND ${cmd} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "exit ${rc}; stderr: ${err}")
  if(REFUSE)
    # calibration references made to disagree (KCB_TEST_ADD_REF_SCALE):
    # exit 0, one line saying why, no calibrated-cycles anywhere in the
    # results, the table, or the known answer
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "kcb_bench failed (exit ${rc})")
    endif()
    string(REGEX MATCHALL "kcb_bench: calibrated-cycles refused: " why "${err}")
    list(LENGTH why n)
    if(NOT n EQUAL 1 OR NOT err MATCHES "kcb_bench: calibrated-cycles refused: [^\n]*disagree[^\n]*\n")
      message(FATAL_ERROR "expected one 'calibrated-cycles refused: ... disagree' line, got ${n}")
    endif()
    file(READ "${OUT}" doc)
    foreach(part records deltas)
      string(JSON txt GET "${doc}" ${part})
      if(txt MATCHES "calibrated-cycles")
        message(FATAL_ERROR "calibrated-cycles in ${part} although the references disagree")
      endif()
    endforeach()
    if(out MATCHES "calibrated-cycles")
      message(FATAL_ERROR "calibrated-cycles in the printed table")
    endif()
    string(JSON tpc TYPE "${doc}" context ticks_per_cycle)
    string(JSON agree GET "${doc}" context calibration_refs agree)
    # a host that shared the core in every round keeps no chase: then
    # the run must say so instead of a known answer
    string(JSON unit ERROR_VARIABLE no_ka GET "${doc}" context known_answer unit)
    if(no_ka AND NOT err MATCHES "warning: no known answer: the core was shared in all")
      message(FATAL_ERROR "no context.known_answer and no warning saying why")
    endif()
    if(NOT tpc STREQUAL "NULL" OR agree OR unit STREQUAL "calibrated-cycles")
      message(FATAL_ERROR "context: ticks_per_cycle ${tpc}, refs agree ${agree}, known answer in ${unit}")
    endif()
    return()
  endif()
  if(NO_CHASE)
    # every round's core shared (KCB_TEST_ROUNDS_SHARED): no chase kept,
    # so no context.known_answer, and one warning saying why, on stderr
    # and in the results
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "kcb_bench failed (exit ${rc})")
    endif()
    set(why "no known answer: the core was shared in all [0-9]+ group rounds")
    if(NOT err MATCHES "kcb_bench: warning: ${why}")
      message(FATAL_ERROR "no 'warning: ${why}' line")
    endif()
    file(READ "${OUT}" doc)
    string(JSON ka ERROR_VARIABLE no_ka GET "${doc}" context known_answer)
    string(JSON warnings GET "${doc}" context warnings)
    if(NOT no_ka OR NOT warnings MATCHES "${why}")
      message(FATAL_ERROR "known_answer present or its warning missing: ${warnings}")
    endif()
    return()
  endif()
  if(METRIC)
    # a software perf event counted without a PMU: a channel of its own
    # from perf_event_open, with a positive count per op
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "kcb_bench failed (exit ${rc})")
    endif()
    file(READ "${OUT}" doc)
    string(JSON got GET "${doc}" records 0 metrics ${METRIC} median)
    string(JSON ns GET "${doc}" records 0 metrics ns median)
    string(JSON src GET "${doc}" records 0 metrics ${METRIC} source)
    if(NOT got GREATER 0 OR NOT src MATCHES "^perf_event_open")
      message(FATAL_ERROR "${METRIC}: median ${got} per op (ns: ${ns}), source '${src}'")
    endif()
    return()
  endif()
  if(EXEC)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "kcb_bench failed (exit ${rc})")
    endif()
    file(READ "${OUT}" doc)
    string(JSON got GET "${doc}" context execution)
    if(NOT got STREQUAL EXEC)
      message(FATAL_ERROR "context.execution is '${got}', expected '${EXEC}'")
    endif()
    return()
  endif()
  if(EXPECT STREQUAL "perf")
    # a PMU with the event counts it; otherwise exit 5 with one line
    if(rc EQUAL 0 AND out MATCHES "L1-dcache-load-misses")
      return()
    endif()
    set(EXPECT 5)
    set(ERR "perf_event")
  endif()
  if(NOT rc EQUAL EXPECT)
    message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT}")
  endif()
  string(REGEX MATCHALL "\n" nl "${err}")
  list(LENGTH nl lines)
  if(NOT lines EQUAL 1 OR NOT err MATCHES "\n$")
    message(FATAL_ERROR "stderr is not exactly one line:\n${err}")
  endif()
  if(ERR AND NOT err MATCHES "${ERR}")
    message(FATAL_ERROR "stderr does not match '${ERR}'")
  endif()
  if(OUT AND EXISTS "${OUT}")
    message(FATAL_ERROR "${OUT} exists after a failed run")
  endif()
  return()
endif()

macro(kcb_bench_unit name)
  add_executable(test_bench_${name} ${CMAKE_CURRENT_LIST_DIR}/test_bench_${name}.cpp)
  target_link_libraries(test_bench_${name} PRIVATE kcb_bench_core)
  add_test(NAME bench_${name} COMMAND test_bench_${name})
endmacro()
kcb_bench_unit(stats)
kcb_bench_unit(json)
kcb_bench_unit(sensitivity)
kcb_bench_unit(physpage)
# base and twin must stay two functions (gcc's identical code folding would
# merge them; clang folds none at -O2)
target_compile_options(test_bench_sensitivity PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-ipa-icf>)
set_tests_properties(bench_sensitivity PROPERTIES RUN_SERIAL TRUE TIMEOUT 300 SKIP_RETURN_CODE 77)

add_test(NAME bench_help COMMAND kcb_bench --help)
set_tests_properties(bench_help PROPERTIES PASS_REGULAR_EXPRESSION "exit codes: 0 ok")
add_test(NAME bench_list COMMAND kcb_bench --list)
set_tests_properties(bench_list PROPERTIES
  PASS_REGULAR_EXPRESSION "cpu_slab +cold_pointer +static +kcb_callsite__cpu_slab__static")

string(JOIN "|" _kcb_cmd ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:kcb_bench>)
set(_kcb_out ${CMAKE_BINARY_DIR}/bench_test_out.json)
function(kcb_bench_exit name expect err)
  string(JOIN "|" args ${ARGN})
  add_test(NAME bench_exit_${name} COMMAND ${CMAKE_COMMAND} "-DCMD=${_kcb_cmd}" "-DARGS=${args}"
    -DEXPECT=${expect} "-DERR=${err}" -DOUT=${_kcb_out} -P ${CMAKE_CURRENT_LIST_FILE})
endfunction()
kcb_bench_exit(bad_option 2 "unknown option" --frobnicate)
kcb_bench_exit(bad_samples 2 "--samples" --samples x)
kcb_bench_exit(unknown_scenario 2 "unknown scenario 'bogus'" --scenario callsite,bogus --out ${_kcb_out})
kcb_bench_exit(unknown_model 2 "unknown model 'slab'" --model slab --out ${_kcb_out})
kcb_bench_exit(unknown_variant 2 "unknown variant 'immediate'" --variant immediate --out ${_kcb_out})
kcb_bench_exit(unknown_event 3 "unknown event 'no_such_event_xyz'" --events no_such_event_xyz --out ${_kcb_out})
kcb_bench_exit(unwritable_out 4 "output: " --quick --out /nonexistent-kcb-dir/r.json)
kcb_bench_exit(not_patched 6 "refusing to measure" --no-patch --out ${_kcb_out})
# an empty value is a usage error, never "everything" or "no output"
kcb_bench_exit(empty_out 2 "--out wants a file name" --quick --out=)
kcb_bench_exit(empty_scenario 2 "--scenario wants" --scenario= --out ${_kcb_out})
kcb_bench_exit(empty_model 2 "--model wants" --model= --out ${_kcb_out})
kcb_bench_exit(empty_variant 2 "--variant wants" --variant=, --out ${_kcb_out})
# a folder as --out: refused before measuring (one line: no progress lines)
kcb_bench_exit(out_is_dir 4 "is a directory" --quick --scenario callsite --model sheaves --variant static
  --out ${CMAKE_BINARY_DIR})
if(NOT KCB_EMULATOR AND NOT KCB_SANITIZE)
  # an address-space limit below the arena: its own exit code and line; a
  # limit the run fits in (1 GiB) measures (ASan reserves terabytes of
  # shadow, QEMU its own guest space: both native, unsanitized only)
  add_test(NAME bench_exit_arena_limit COMMAND ${CMAKE_COMMAND}
    "-DCMD=sh|-c|ulimit -v 150000 && exec \"$@\"|sh|$<TARGET_FILE:kcb_bench>"
    "-DARGS=--quick|--out|${_kcb_out}" -DEXPECT=7 "-DERR=cannot reserve the [0-9]+ MiB slab arena"
    -DOUT=${_kcb_out} -P ${CMAKE_CURRENT_LIST_FILE})
  add_test(NAME bench_arena_fits COMMAND ${CMAKE_COMMAND}
    "-DCMD=sh|-c|ulimit -v 1048576 && exec \"$@\"|sh|$<TARGET_FILE:kcb_bench>"
    "-DARGS=--quick|--scenario|callsite|--model|sheaves|--variant|static|--out|${_kcb_out}"
    -DEXEC=native -DOUT=${_kcb_out} -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(bench_exit_arena_limit bench_arena_fits PROPERTIES RESOURCE_LOCK bench_test_out)
endif()
kcb_bench_exit(events_perf perf "" --events L1-dcache-load-misses --quick --scenario callsite
  --model sheaves --variant static --out ${_kcb_out})
# the perf_event path with software events (no PMU needed)
add_test(NAME bench_events_software COMMAND ${CMAKE_COMMAND} "-DCMD=${_kcb_cmd}"
  "-DARGS=--quick|--scenario|callsite|--model|sheaves|--variant|static|--events|task-clock|--out|${_kcb_out}"
  -DMETRIC=task-clock -DOUT=${_kcb_out} -P ${CMAKE_CURRENT_LIST_FILE})
# calibration references that disagree: ticks only, one line why, exit 0
add_test(NAME bench_calibration_refused COMMAND ${CMAKE_COMMAND} -E env KCB_TEST_ADD_REF_SCALE=0.5
  ${CMAKE_COMMAND} "-DCMD=${_kcb_cmd}" "-DARGS=--quick|--scenario|latency|--model|sheaves|--out|${_kcb_out}"
  -DREFUSE=1 -DOUT=${_kcb_out} -P ${CMAKE_CURRENT_LIST_FILE})
# a host that shares the core in every round: the run says it has no known answer
add_test(NAME bench_known_answer_all_shared COMMAND ${CMAKE_COMMAND} -E env KCB_TEST_ROUNDS_SHARED=1
  ${CMAKE_COMMAND} "-DCMD=${_kcb_cmd}" "-DARGS=--quick|--scenario|latency|--model|sheaves|--out|${_kcb_out}"
  -DNO_CHASE=1 -DOUT=${_kcb_out} -P ${CMAKE_CURRENT_LIST_FILE})
if(KCB_EMULATOR)
  # under QEMU there are no ticks to calibrate and the kernel's perf
  # syscall is not there
  set_tests_properties(bench_events_software bench_calibration_refused bench_known_answer_all_shared
    PROPERTIES DISABLED TRUE)
endif()
set_tests_properties(bench_events_software bench_calibration_refused bench_known_answer_all_shared
  PROPERTIES RESOURCE_LOCK bench_test_out RUN_SERIAL TRUE)

set_tests_properties(bench_exit_unknown_scenario bench_exit_unknown_model bench_exit_unknown_variant
  bench_exit_empty_scenario bench_exit_empty_model bench_exit_empty_variant bench_exit_out_is_dir
  bench_exit_unknown_event bench_exit_unwritable_out bench_exit_not_patched bench_exit_events_perf
  PROPERTIES RESOURCE_LOCK bench_test_out)

# the whole --quick suite, then its JSON through the schema reader
if(KCB_EMULATOR)
  set(_kcb_exec qemu)
else()
  set(_kcb_exec native)
endif()
set(_kcb_quick ${CMAKE_BINARY_DIR}/bench_quick.json)
add_test(NAME bench_quick_run COMMAND ${CMAKE_COMMAND} "-DCMD=${_kcb_cmd}" "-DARGS=--quick|--out|${_kcb_quick}"
  -DEXEC=${_kcb_exec} -DOUT=${_kcb_quick} -P ${CMAKE_CURRENT_LIST_FILE})
add_test(NAME bench_quick_schema COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/kcb_results.py ${_kcb_quick})
set_tests_properties(bench_quick_run PROPERTIES FIXTURES_SETUP bench_quick RUN_SERIAL TRUE TIMEOUT 600)
set_tests_properties(bench_quick_schema PROPERTIES FIXTURES_REQUIRED bench_quick)
# what backs the text (bench/hugetext.h), in its context
add_test(NAME bench_quick_text_pages COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/check_text_pages.py
  ${_kcb_quick} ${_kcb_exec})
set_tests_properties(bench_quick_text_pages PROPERTIES FIXTURES_REQUIRED bench_quick)
