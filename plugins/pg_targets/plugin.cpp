// Entry point of the pg_targets plugin library: exports the targets provider.
#include "pg_targets.hpp"

WATCHPOST_PLUGIN("pg_targets", "0.1.0", "Targets from the catalogue table in PostgreSQL, changes within a second (LISTEN/NOTIFY)",
                 watchpost::pg::PgTargets)
