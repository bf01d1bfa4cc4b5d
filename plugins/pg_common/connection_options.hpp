// The options every PostgreSQL plugin takes to reach its database (dsn, schema, TLS,
// timeout), read and checked the same way everywhere.
#pragma once

#include "conninfo.hpp"

#include <watchpost/plugin.hpp>

#include <pqxx/connection>

#include <memory>
#include <vector>

namespace watchpost::pg {

// dsn, schema, connect_timeout, sslmode, sslrootcert, sslcert, sslkey.
std::vector<wp_option_spec> connection_options();
// Throws OptionError("dsn") when the dsn does not parse.
Conninfo conninfo_from(const Options& o);
// Throws OptionError for a bad dsn or a schema that is not a lower-case SQL identifier.
void validate_connection(const Options& o);

// Connects and brings the schema up to date (logging what it applied). Throws
// pqxx::broken_connection whose message says where it tried, never with the password.
std::unique_ptr<pqxx::connection> connect_and_migrate(const Conninfo& where, const std::string& schema, const Host& host);

}  // namespace watchpost::pg
