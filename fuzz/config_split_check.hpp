// A pipeline file read a part at a time (config/target_list_split.hpp) must mean what it means
// read whole. Shared by the config fuzzer and the regression test that replays its finds.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <string>

namespace watchpost::fuzzing {

// What a reading gave, in a form two readings can be compared by.
inline std::string reading(const std::string& text, const SchemaCatalog& catalog, size_t split_from) {
  try {
    auto c = parse_config(text, "fuzz.yaml", catalog, split_from);
    std::string s;
    for (auto& p : c.pipelines) {
      s += p.name + "\n";
      for (auto& t : p.targets) {
        s += t.id + " " + t.url + " " + t.pos.str() + " " + std::to_string(t.interval_ms);
        for (auto& o : t.probe_options) s += " " + o.name + "=" + o.text;
        s += "\n";
      }
    }
    return s;
  } catch (const ConfigError& e) {
    return std::string("error ") + e.what();
  }
}

// Empty when both readings agree; otherwise both, to show.
inline std::string split_difference(const std::string& text, const SchemaCatalog& catalog) {
  std::string split = reading(text, catalog, 2), whole = reading(text, catalog, SIZE_MAX);
  if (split == whole) return {};
  return "read a part at a time:\n" + split + "\nread whole:\n" + whole;
}

}  // namespace watchpost::fuzzing
