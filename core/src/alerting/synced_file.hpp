// Files alerting must not lose: written and synced before the call returns, so a crash
// leaves the old contents or the new ones, never a torn mix.
#pragma once

#include <string>

namespace watchpost {

// Replaces `path` with `text` (a temporary file, fsync, rename). Throws std::runtime_error.
void replace_file_synced(const std::string& path, const std::string& text);
// Appends `text` to `path` and syncs. Throws std::runtime_error.
void append_file_synced(const std::string& path, const std::string& text);

}  // namespace watchpost
