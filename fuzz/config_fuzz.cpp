// libFuzzer target: arbitrary bytes as a pipeline file, validated against the real plugins'
// schemas. Anything but success or a ConfigError is a bug.
#include "config/config.hpp"
#include "plugins/loader.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const watchpost::PluginCatalog* catalog = [] {
    auto* c = new watchpost::PluginCatalog;
    c->scan(watchpost::PluginCatalog::default_search_path({}));
    if (c->plugins().empty()) std::abort();  // a fuzzer without schemas would test nothing
    return c;
  }();
  try {
    watchpost::parse_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml", *catalog);
  } catch (const watchpost::ConfigError&) {
  }
  return 0;
}
