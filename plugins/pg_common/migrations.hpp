// The database schema, as versioned migrations applied in order at start under an advisory
// lock, so several writers starting together apply each migration exactly once.
#pragma once

#include <pqxx/connection>

#include <string>

namespace watchpost::pg {

struct Migration {
  int version;
  const char* description;
  const char* sql;  // "{schema}" stands for the configured schema name
};

const Migration* migrations(size_t& count);

// Returns how many migrations this call applied.
int apply_migrations(pqxx::connection& c, const std::string& schema);

// Replaces every "{schema}" with the quoted schema name.
std::string with_schema(const std::string& sql, const std::string& schema);

}  // namespace watchpost::pg
