// Finds plugin libraries, loads them with Boost.DLL, and checks their ABI before use.
#pragma once

#include "config/config.hpp"

#include <watchpost/plugin_api.h>

#include <memory>
#include <string>
#include <vector>

namespace watchpost {

// A loaded library. Every instance made from it holds a shared_ptr, so it unloads last.
class Library;
using LibraryRef = std::shared_ptr<const Library>;

struct Plugin {
  LibraryRef library;
  const wp_plugin_descriptor* descriptor = nullptr;
  std::string path;
  OptionSchema probe, evaluator, sink, source, targets, notifier;

  std::string name() const { return descriptor->name; }
  bool has(Kind k) const;
  std::vector<std::string> kinds() const;
};

// The descriptor's targets table (ABI 1.1), or null for a 1.0 plugin or another kind.
const wp_targets_api* targets_table(const wp_plugin_descriptor* d);
// The descriptor's notifier table (ABI 1.3), or null for an older plugin or another kind.
const wp_notifier_api* notifier_table(const wp_plugin_descriptor* d);

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads one library and checks it; throws LoadError naming the file and what is wrong.
Plugin load_plugin(const std::string& path);

class PluginCatalog : public SchemaCatalog {
 public:
  // Where to look, in order: explicit dirs, $WATCHPOST_PLUGIN_PATH, next to the binary,
  // the install dir. Only the first library of a given plugin name is used.
  static std::vector<std::string> default_search_path(const std::vector<std::string>& explicit_dirs);

  void scan(const std::vector<std::string>& dirs);
  void add(Plugin plugin);

  const Plugin* find(std::string_view name) const;
  const std::vector<Plugin>& plugins() const { return plugins_; }
  // Libraries that were found but refused, with why.
  const std::vector<std::string>& refused() const { return refused_; }

  const OptionSchema* schema(std::string_view plugin, Kind kind) const override;
  std::vector<std::string> plugin_names(Kind kind) const override;
  std::vector<std::string> plugin_kinds(std::string_view plugin) const override;

 private:
  std::vector<Plugin> plugins_;
  std::vector<std::string> refused_;
};

}  // namespace watchpost
