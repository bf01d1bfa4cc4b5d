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
  target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  if(DEFINED WATCHPOST_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${WATCHPOST_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()
