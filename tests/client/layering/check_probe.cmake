# Builds a layering probe (cmake -DBUILD_DIR=.. -DTARGET=.. -DPROBE=file.cpp -P check_probe.cmake)
# and passes only when no source includes by a climbing relative path and the compiler does not
# find the header the probe includes. The header must exist in the tree, else the probe would pass
# without proving anything.
# A quoted include that climbs ("../daemon/store.hpp") is found next to the including file before
# any include root is searched, so it would slip past the roots: no source of the tree may use one.
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/core/*" "${SOURCE_DIR}/daemon/*"
     "${SOURCE_DIR}/client/*" "${SOURCE_DIR}/tests/*")
set(climbing "")
foreach(source IN LISTS sources)
  if(source MATCHES "\\.(c|cc|cpp|h|hpp|inc)$")
    file(STRINGS "${SOURCE_DIR}/${source}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]*\\.\\./")
    foreach(hit IN LISTS hits)
      string(STRIP "${hit}" hit)
      string(APPEND climbing "\n  ${source}: ${hit}")
    endforeach()
  endif()
endforeach()
if(climbing)
  message(FATAL_ERROR "relative includes bypass the layering; include by root (\"core/x.hpp\"):"
                      "${climbing}")
endif()

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
