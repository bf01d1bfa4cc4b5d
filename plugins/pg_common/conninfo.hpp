// Connection strings: the user's dsn (libpq key=value or postgresql:// URI) with the
// sink's own options laid over it, and a description of where it points that never shows the
// password.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace watchpost::pg {

struct Conninfo {
  std::string text;     // what libpq gets
  std::string display;  // host=... port=... dbname=... user=... (no password)
};

// Throws std::invalid_argument with libpq's message when the dsn does not parse.
Conninfo build_conninfo(const std::string& dsn, const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace watchpost::pg
