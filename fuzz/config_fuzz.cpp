// libFuzzer target: arbitrary bytes as a pipeline file, validated against the real plugins'
// schemas. Anything but success or a ConfigError is a bug — and so is a file that reads
// differently when its target lists are read a part at a time than when it is read whole.
#include "config_split_check.hpp"
#include "plugins/loader.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const watchpost::PluginCatalog* catalog = [] {
    auto* c = new watchpost::PluginCatalog;
    c->scan(watchpost::PluginCatalog::default_search_path({}));
    if (c->plugins().empty()) std::abort();  // a fuzzer without schemas would test nothing
    return c;
  }();
  std::string difference =
      watchpost::fuzzing::split_difference(std::string(reinterpret_cast<const char*>(data), size), *catalog);
  if (!difference.empty()) {
    std::fprintf(stderr, "%s\n", difference.c_str());
    std::abort();
  }
  return 0;
}
