#pragma once

#include "plugins/loader.hpp"
#include "args.hpp"

namespace watchpost::cli {

// Scans --plugin-dir, $WATCHPOST_PLUGIN_PATH, the binary's dir and the install dir.
PluginCatalog load_catalog(const Args& args);

}  // namespace watchpost::cli
