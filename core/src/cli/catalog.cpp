#include "catalog.hpp"

namespace watchpost::cli {

PluginCatalog load_catalog(const Args& args) {
  PluginCatalog catalog;
  catalog.scan(PluginCatalog::default_search_path(args.values("plugin-dir")));
  return catalog;
}

}  // namespace watchpost::cli
