#include "yaml_shape.hpp"

#include <map>

namespace watchpost {
namespace {

class Walker {
 public:
  Walker(const std::string& file, int line_offset) : file_(file), line_offset_(line_offset) {}

  void walk(YAML::Node node, int depth = 0) {
    if (depth > 64) return;  // deeper than any pipeline file; the reader says what is wrong
    if (node.IsSequence()) {
      for (auto item : node) walk(item, depth + 1);
      return;
    }
    if (!node.IsMap()) return;
    std::map<std::string, YAML::Mark> seen;
    std::vector<YAML::Node> merges;
    for (auto kv : node) {
      if (!kv.first.IsScalar()) continue;
      const std::string key = kv.first.Scalar();
      if (key == "<<" && kv.first.Tag() == "?") {  // a plain <<, not a quoted "<<" key
        merges.push_back(kv.second);
        continue;
      }
      auto [it, fresh] = seen.emplace(key, kv.first.Mark());
      if (!fresh)
        issues_.push_back({at(kv.first), "duplicate key '" + key + "' (first at line " +
                                                    std::to_string(it->second.line + 1 + line_offset_) +
                                                    "): keep one; a second one would silently win or lose"});
    }
    if (!merges.empty()) merge(node, merges, seen);
    for (auto kv : node) walk(kv.second, depth + 1);
  }

  std::vector<ConfigIssue> issues() { return std::move(issues_); }

 private:
  // Keys written in the mapping win over merged ones; among merged mappings, the first wins.
  void merge(YAML::Node& node, const std::vector<YAML::Node>& merges, std::map<std::string, YAML::Mark>& seen) {
    node.remove("<<");
    std::vector<YAML::Node> sources;
    for (auto& m : merges) {
      if (m.IsSequence())
        for (auto item : m) sources.push_back(item);
      else
        sources.push_back(m);
    }
    for (auto& src : sources) {
      if (!src.IsMap()) {
        issues_.push_back({at(src), "'<<' merges mappings: give it an alias of a mapping (<<: *defaults)"});
        continue;
      }
      for (auto kv : src)
        if (kv.first.IsScalar() && seen.emplace(kv.first.Scalar(), kv.first.Mark()).second)
          node.force_insert(kv.first, kv.second);
    }
  }

  Position at(const YAML::Node& n) const { return {file_, n.Mark().line + 1 + line_offset_, n.Mark().column + 1}; }

  const std::string& file_;
  int line_offset_;
  std::vector<ConfigIssue> issues_;
};

}  // namespace

std::vector<ConfigIssue> resolve_merges_and_find_duplicates(YAML::Node root, const std::string& file, int line_offset) {
  Walker w(file, line_offset);
  w.walk(root);
  return w.issues();
}

}  // namespace watchpost
