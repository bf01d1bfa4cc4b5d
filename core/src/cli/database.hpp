// The database a command works on: --dsn, else $WATCHPOST_DSN, else libpq's PG* variables,
// named in pg_stat_activity as `application`.
#pragma once

#include "args.hpp"
#include "conninfo.hpp"

#include <string>

namespace watchpost::cli {

// Throws UsageError when the dsn does not parse.
pg::Conninfo database_from_args(const Args& args, const std::string& application);

}  // namespace watchpost::cli
