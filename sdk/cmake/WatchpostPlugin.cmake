# watchpost_add_plugin(<target> <sources>...)
# Builds a loadable plugin: a MODULE library with hidden visibility (only the entry symbol is
# exported), no "lib" prefix, and no undefined symbols left for the host to provide.
function(watchpost_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE watchpost::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # With clang's sanitizers the runtime lives in the executable, so a module legitimately
  # leaves those symbols undefined.
  if(NOT (WATCHPOST_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang"))
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  if(DEFINED WATCHPOST_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${WATCHPOST_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()

# watchpost_plugin_logic(<target> <sources>...)
# The in-tree convention: a plugin's logic is a static library (unit-testable without dlopen)
# built position-independent with hidden visibility, so the thin entry module can link it.
function(watchpost_plugin_logic target)
  add_library(${target} STATIC ${ARGN})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC watchpost::sdk)
endfunction()
