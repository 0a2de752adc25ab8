# Builds a layering probe (cmake -DBUILD_DIR=.. -DTARGET=.. -DPROBE=file.cpp -P check_probe.cmake)
# and passes only when the compiler does not find the header the probe includes. The header must
# exist in the tree, else the probe would pass without proving anything.
file(READ "${PROBE}" probe_text)
string(REGEX MATCH "#include \"([^\"]+)\"" _ "${probe_text}")
set(header "${CMAKE_MATCH_1}")
if(NOT EXISTS "${SOURCE_DIR}/${header}")
  message(FATAL_ERROR "${header} is not in the tree: point ${PROBE} at a header that is")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${TARGET}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled: the layering lets it include ${header}")
endif()
string(REPLACE "." "\\." header_re "${header}")
if(NOT out MATCHES "${header_re}: No such file|'${header_re}' file not found")
  message(FATAL_ERROR "${TARGET} failed for another reason than a missing ${header}:\n${out}")
endif()
message(STATUS "${TARGET}: ${header} is out of reach, as it should be")
