#include "database.hpp"

#include <cstdlib>
#include <stdexcept>

namespace watchpost::cli {

pg::Conninfo database_from_args(const Args& args, const std::string& application) {
  const char* env = std::getenv("WATCHPOST_DSN");
  try {
    return pg::build_conninfo(args.value("dsn", env ? env : ""), {{"application_name", application}, {"connect_timeout", "5"}});
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--dsn is not a libpq connection string: ") + e.what());
  }
}

}  // namespace watchpost::cli
