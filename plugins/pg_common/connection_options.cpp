#include "connection_options.hpp"

#include "migrations.hpp"

#include <pqxx/except>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace watchpost::pg {

std::vector<wp_option_spec> connection_options() {
  return {
      required_option("dsn", WP_OPT_STRING,
                      "libpq conninfo or postgresql:// URI; keep the password out with ${ENV} or PGPASSWORD"),
      option("schema", WP_OPT_STRING, "watchpost", "Schema of watchpost's tables (one schema, one list of migrations)"),
      option("connect_timeout", WP_OPT_DURATION, "5s", "Give up connecting after this long"),
      option("sslmode", WP_OPT_STRING, nullptr, "libpq sslmode", "disable|allow|prefer|require|verify-ca|verify-full"),
      option("sslrootcert", WP_OPT_STRING, nullptr, "CA certificate file (libpq sslrootcert)"),
      option("sslcert", WP_OPT_STRING, nullptr, "Client certificate file (libpq sslcert)"),
      option("sslkey", WP_OPT_STRING, nullptr, "Client key file (libpq sslkey)"),
  };
}

Conninfo conninfo_from(const Options& o) {
  try {
    return build_conninfo(o.string("dsn"),
                          {{"connect_timeout", std::to_string(std::max<int64_t>(1, o.integer("connect_timeout", 5000) / 1000))},
                           {"application_name", "watchpost"},
                           {"sslmode", o.string("sslmode")},
                           {"sslrootcert", o.string("sslrootcert")},
                           {"sslcert", o.string("sslcert")},
                           {"sslkey", o.string("sslkey")}});
  } catch (const std::invalid_argument& e) {
    throw OptionError("dsn", std::string("not a valid libpq connection string: ") + e.what());
  }
}

void validate_connection(const Options& o) {
  conninfo_from(o);
  std::string schema = o.string("schema", "watchpost");
  bool ok = !schema.empty() && (std::islower(static_cast<unsigned char>(schema[0])) || schema[0] == '_');
  for (char c : schema) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  if (!ok || schema.size() > 63) throw OptionError("schema", "'" + schema + "' must be a lower-case SQL identifier");
}

std::unique_ptr<pqxx::connection> connect_and_migrate(const Conninfo& where, const std::string& schema, const Host& host) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(where.text);
  } catch (const std::exception& e) {
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw pqxx::broken_connection("cannot connect to PostgreSQL (" + where.display + "): " + why);
  }
  int applied = apply_migrations(*conn, schema);
  if (applied) host.info("applied " + std::to_string(applied) + " schema migrations to " + schema);
  return conn;
}

}  // namespace watchpost::pg
