// What the YAML library leaves to us, done once over the whole document before it is read:
// duplicate keys become errors (yaml-cpp keeps both and the reader would see only one), and
// merge keys (`<<: *defaults`, YAML 1.1) are resolved, so anchors can share defaults.
#pragma once

#include "config.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace watchpost {

// `line_offset`: lines before the text `root` was loaded from (one target of a split list).
std::vector<ConfigIssue> resolve_merges_and_find_duplicates(YAML::Node root, const std::string& file, int line_offset = 0);

}  // namespace watchpost
