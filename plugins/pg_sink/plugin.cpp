// Entry point of the pg_sink plugin library.
#include "pg_sink.hpp"

WATCHPOST_PLUGIN("pg_sink", "0.1.0", "Stores results in PostgreSQL: COPY, idempotent by result id, latest status per target",
                 watchpost::pg::PgSink)
