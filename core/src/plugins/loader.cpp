#include "loader.hpp"

#include "observe/log.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <type_traits>

#ifndef WATCHPOST_INSTALL_PLUGIN_DIR
#define WATCHPOST_INSTALL_PLUGIN_DIR "/usr/local/lib/watchpost/plugins"
#endif

namespace watchpost {

class Library {
 public:
  explicit Library(const std::string& path)
      : lib_(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local) {}
  wp_plugin_entry_fn entry() const {
    if (!lib_.has(WP_ENTRY_SYMBOL)) return nullptr;
    return lib_.get<const wp_plugin_descriptor*()>(WP_ENTRY_SYMBOL);
  }

 private:
  boost::dll::shared_library lib_;
};

namespace {

// The smallest table each kind had in ABI 1.0; later minors only append.
template <class Table>
constexpr size_t smallest_table() {
  if constexpr (std::is_same_v<Table, wp_sink_api>) return offsetof(wp_sink_api, write_async);
  return sizeof(Table);
}

template <class Table>
bool table_ok(const Table* t, const std::string& path, const char* kind, std::string& why) {
  if (!t) return true;
  if (t->struct_size < smallest_table<Table>()) {
    why = path + ": the " + kind + " table is smaller than ABI " + std::to_string(WP_ABI_MAJOR) + ".0 requires";
    return false;
  }
  return true;
}

#define WP_REQUIRE_ENTRY(table, field, kind)                                                      \
  if ((table) && !(table)->field) {                                                               \
    throw LoadError(path + ": the " kind " table has no '" #field "' entry, which is required"); \
  }

}  // namespace

const wp_targets_api* targets_table(const wp_plugin_descriptor* d) {
  return d->struct_size >= offsetof(wp_plugin_descriptor, targets) + sizeof(void*) ? d->targets : nullptr;
}

const wp_notifier_api* notifier_table(const wp_plugin_descriptor* d) {
  return d->struct_size >= offsetof(wp_plugin_descriptor, notifier) + sizeof(void*) ? d->notifier : nullptr;
}

bool Plugin::has(Kind k) const {
  switch (k) {
    case Kind::probe: return descriptor->probe;
    case Kind::evaluator: return descriptor->evaluator;
    case Kind::sink: return descriptor->sink;
    case Kind::source: return descriptor->source;
    case Kind::targets: return targets_table(descriptor);
    case Kind::notifier: return notifier_table(descriptor);
  }
  return false;
}

std::vector<std::string> Plugin::kinds() const {
  std::vector<std::string> out;
  for (Kind k : {Kind::probe, Kind::evaluator, Kind::sink, Kind::source, Kind::targets, Kind::notifier})
    if (has(k)) out.emplace_back(kind_name(k));
  return out;
}

Plugin load_plugin(const std::string& path) {
  std::shared_ptr<Library> lib;
  try {
    lib = std::make_shared<Library>(path);
  } catch (const std::exception& e) {
    throw LoadError(path + ": cannot load the library: " + e.what());
  }
  wp_plugin_entry_fn entry = lib->entry();
  if (!entry)
    throw LoadError(path + ": not a watchpost plugin (no '" WP_ENTRY_SYMBOL
                           "' symbol; plugins export it with WATCHPOST_PLUGIN)");
  const wp_plugin_descriptor* d = entry();
  if (!d) throw LoadError(path + ": the plugin returned no descriptor");
  // The version is read before anything else, from fields that never move.
  if (d->struct_size < offsetof(wp_plugin_descriptor, abi_minor) + sizeof(uint32_t))
    throw LoadError(path + ": the descriptor is too small to carry an ABI version");
  if (d->abi_major != WP_ABI_MAJOR || d->abi_minor > WP_ABI_MINOR) {
    throw LoadError(path + ": built for plugin ABI " + std::to_string(d->abi_major) + "." +
                    std::to_string(d->abi_minor) + ", but this watchpost provides ABI " +
                    std::to_string(WP_ABI_MAJOR) + "." + std::to_string(WP_ABI_MINOR) +
                    " (the major must match and the plugin's minor must not be newer): rebuild the plugin "
                    "against this watchpost's SDK");
  }
  // 1.0 descriptors end after `source`; 1.1 appended `targets`, 1.3 `notifier`.
  size_t needed = d->abi_minor >= 3   ? sizeof(wp_plugin_descriptor)
                  : d->abi_minor >= 1 ? offsetof(wp_plugin_descriptor, notifier)
                                      : offsetof(wp_plugin_descriptor, targets);
  if (d->struct_size < needed)
    throw LoadError(path + ": the descriptor is smaller than ABI " + std::to_string(d->abi_major) + "." +
                    std::to_string(d->abi_minor) + " requires");
  if (!d->name || !*d->name) throw LoadError(path + ": the plugin has no name");
  const wp_targets_api* targets = targets_table(d);
  const wp_notifier_api* notifier = notifier_table(d);
  if (!d->probe && !d->evaluator && !d->sink && !d->source && !targets && !notifier)
    throw LoadError(path + ": the plugin provides no kind (probe, evaluator, sink, source, targets or notifier)");
  std::string why;
  if (!table_ok(d->probe, path, "probe", why) || !table_ok(d->evaluator, path, "evaluator", why) ||
      !table_ok(d->sink, path, "sink", why) || !table_ok(d->source, path, "source", why) ||
      !table_ok(targets, path, "targets", why) || !table_ok(notifier, path, "notifier", why))
    throw LoadError(why);
  WP_REQUIRE_ENTRY(d->probe, create, "probe");
  WP_REQUIRE_ENTRY(d->probe, destroy, "probe");
  WP_REQUIRE_ENTRY(d->probe, target_create, "probe");
  WP_REQUIRE_ENTRY(d->probe, target_destroy, "probe");
  WP_REQUIRE_ENTRY(d->probe, start, "probe");
  WP_REQUIRE_ENTRY(d->evaluator, create, "evaluator");
  WP_REQUIRE_ENTRY(d->evaluator, destroy, "evaluator");
  WP_REQUIRE_ENTRY(d->evaluator, evaluate, "evaluator");
  WP_REQUIRE_ENTRY(d->sink, create, "sink");
  WP_REQUIRE_ENTRY(d->sink, destroy, "sink");
  WP_REQUIRE_ENTRY(d->sink, write, "sink");
  WP_REQUIRE_ENTRY(d->source, create, "source");
  WP_REQUIRE_ENTRY(d->source, destroy, "source");
  WP_REQUIRE_ENTRY(d->source, poll, "source");
  WP_REQUIRE_ENTRY(d->source, ack, "source");
  WP_REQUIRE_ENTRY(targets, create, "targets");
  WP_REQUIRE_ENTRY(targets, destroy, "targets");
  WP_REQUIRE_ENTRY(targets, poll, "targets");
  WP_REQUIRE_ENTRY(notifier, create, "notifier");
  WP_REQUIRE_ENTRY(notifier, destroy, "notifier");
  WP_REQUIRE_ENTRY(notifier, notify, "notifier");

  Plugin p;
  p.library = lib;
  p.descriptor = d;
  p.path = path;
  if (d->probe) p.probe = OptionSchema::from_table(d->probe->options, d->probe->option_count, d->probe->validate);
  if (d->evaluator)
    p.evaluator = OptionSchema::from_table(d->evaluator->options, d->evaluator->option_count, d->evaluator->validate);
  if (d->sink) p.sink = OptionSchema::from_table(d->sink->options, d->sink->option_count, d->sink->validate);
  if (d->source) p.source = OptionSchema::from_table(d->source->options, d->source->option_count, d->source->validate);
  if (targets) p.targets = OptionSchema::from_table(targets->options, targets->option_count, targets->validate);
  if (notifier) p.notifier = OptionSchema::from_table(notifier->options, notifier->option_count, notifier->validate);
  return p;
}

std::vector<std::string> PluginCatalog::default_search_path(const std::vector<std::string>& explicit_dirs) {
  std::vector<std::string> dirs = explicit_dirs;
  if (const char* env = std::getenv("WATCHPOST_PLUGIN_PATH")) {
    std::string s = env;
    size_t start = 0;
    for (size_t colon; (colon = s.find(':', start)) != std::string::npos; start = colon + 1)
      if (colon > start) dirs.push_back(s.substr(start, colon - start));
    if (start < s.size()) dirs.push_back(s.substr(start));
  }
  try {
    auto exe_dir = boost::dll::program_location().parent_path();
    dirs.push_back((exe_dir.parent_path() / "lib" / "watchpost" / "plugins").string());
  } catch (const std::exception&) {
  }
  dirs.push_back(WATCHPOST_INSTALL_PLUGIN_DIR);
  return dirs;
}

void PluginCatalog::scan(const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  for (auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<std::string> files;
    for (auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".so") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      try {
        add(load_plugin(f));
      } catch (const LoadError& e) {
        refused_.push_back(e.what());
        log::warn("loader", std::string("refused ") + e.what());
      }
    }
  }
}

void PluginCatalog::add(Plugin plugin) {
  if (const Plugin* existing = find(plugin.name())) {
    log::debug("loader", plugin.path + " is shadowed by " + existing->path + " (same name '" + plugin.name() + "')");
    return;
  }
  plugins_.push_back(std::move(plugin));
}

const Plugin* PluginCatalog::find(std::string_view name) const {
  for (auto& p : plugins_)
    if (p.name() == name) return &p;
  return nullptr;
}

const OptionSchema* PluginCatalog::schema(std::string_view plugin, Kind kind) const {
  const Plugin* p = find(plugin);
  if (!p || !p->has(kind)) return nullptr;
  switch (kind) {
    case Kind::probe: return &p->probe;
    case Kind::evaluator: return &p->evaluator;
    case Kind::sink: return &p->sink;
    case Kind::source: return &p->source;
    case Kind::targets: return &p->targets;
    case Kind::notifier: return &p->notifier;
  }
  return nullptr;
}

std::vector<std::string> PluginCatalog::plugin_names(Kind kind) const {
  std::vector<std::string> out;
  for (auto& p : plugins_)
    if (p.has(kind)) out.push_back(p.name());
  return out;
}

std::vector<std::string> PluginCatalog::plugin_kinds(std::string_view plugin) const {
  const Plugin* p = find(plugin);
  return p ? p->kinds() : std::vector<std::string>{};
}

}  // namespace watchpost
