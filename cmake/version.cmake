# Writes engine/version.hpp with the git commit of the source tree, at build time (so the
# commit recorded in output files is the one built, not the one configured). The file is
# rewritten only when its content changes, so unchanged commits trigger no rebuild.
# Inputs: SRC (source dir), IN (template), OUT (generated header), VERSION.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE NISIM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT NISIM_GIT_COMMIT)
  set(NISIM_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY ${SRC} RESULT_VARIABLE dirty
                  ERROR_QUIET)
  if(NOT dirty EQUAL 0)
    set(NISIM_GIT_COMMIT "${NISIM_GIT_COMMIT}-dirty")
  endif()
endif()
set(PROJECT_VERSION ${VERSION})
configure_file(${IN} ${OUT} @ONLY)
