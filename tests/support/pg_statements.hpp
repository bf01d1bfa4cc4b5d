// One-line SQL for tests that set up a real PostgreSQL's rows directly.
#pragma once

#include "migrations.hpp"

#include <pqxx/pqxx>

#include <string>

namespace watchpost::testing {

// Runs `statement` in a transaction of its own.
inline void sql(const std::string& dsn, const std::string& statement) {
  pqxx::connection c(dsn);
  pqxx::work w(c);
  w.exec(statement);
  w.commit();
}

// The schema `watchpost` as pg_sink and pg_targets would make it.
inline void migrate(const std::string& dsn) {
  pqxx::connection c(dsn);
  pg::apply_migrations(c, "watchpost");
}

}  // namespace watchpost::testing
