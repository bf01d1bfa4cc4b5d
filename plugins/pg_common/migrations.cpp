#include "migrations.hpp"

#include <pqxx/nontransaction>
#include <pqxx/transaction>

namespace watchpost::pg {

namespace {

const Migration kMigrations[] = {
    {1, "check_results (partitioned by day) and targets",
     R"SQL(
CREATE TABLE {schema}.check_results (
  result_id      char(26)    NOT NULL,
  scheduled_at   timestamptz NOT NULL,
  started_at     timestamptz,
  pipeline       text        NOT NULL,
  target_id      text        NOT NULL,
  url            text        NOT NULL,
  node           text        NOT NULL,
  labels         jsonb       NOT NULL DEFAULT '{}',
  outcome        text        NOT NULL CHECK (outcome IN ('up', 'down', 'unknown')),
  error_kind     text,
  error_message  text,
  http_status    smallint,
  dns_us         bigint,
  connect_us     bigint,
  tls_us         bigint,
  first_byte_us  bigint,
  total_us       bigint,
  bytes_received bigint      NOT NULL DEFAULT 0,
  resolved_ip    text,
  ip_family      smallint,
  tls_days_left  integer,
  attempts       smallint    NOT NULL DEFAULT 1,
  redirects      smallint    NOT NULL DEFAULT 0,
  verdicts       jsonb       NOT NULL DEFAULT '[]',
  stored_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (result_id, scheduled_at)
) PARTITION BY RANGE (scheduled_at);

-- "The last 24 hours of one target" reads one index range per daily partition.
CREATE INDEX check_results_target_time ON {schema}.check_results (target_id, scheduled_at DESC);

CREATE TABLE {schema}.targets (
  pipeline             text        NOT NULL,
  target_id            text        NOT NULL,
  url                  text        NOT NULL,
  node                 text        NOT NULL,
  labels               jsonb       NOT NULL DEFAULT '{}',
  outcome              text        NOT NULL,
  http_status          smallint,
  total_us             bigint,
  error_kind           text,
  error_message        text,
  tls_days_left        integer,
  consecutive_failures integer     NOT NULL DEFAULT 0,
  last_checked_at      timestamptz NOT NULL,
  last_result_id       char(26)    NOT NULL,
  last_up_at           timestamptz,
  last_down_at         timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, target_id)
);
)SQL"},
    // now() is when the batch's transaction began, before its COPY: a row's stored_at then
    // reads earlier than it was stored, and the end-to-end latency bench reads this column.
    {2, "check_results.stored_at is the row's own insert time",
     R"SQL(
ALTER TABLE {schema}.check_results ALTER COLUMN stored_at SET DEFAULT clock_timestamp();
)SQL"},
    // The target catalogue (pg_targets, `watchpost targets`): every change notifies the
    // checkers, which then read just the rows named.
    {3, "target_catalog, with a notification on every change",
     R"SQL(
CREATE TABLE {schema}.target_catalog (
  id              text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 256),
  pipeline        text        NOT NULL DEFAULT 'default',
  url             text        NOT NULL,
  enabled         boolean     NOT NULL DEFAULT true,
  interval_ms     integer     CHECK (interval_ms IS NULL OR interval_ms > 0),
  timeout_ms      integer     CHECK (timeout_ms IS NULL OR timeout_ms > 0),
  attempts        smallint    CHECK (attempts IS NULL OR attempts BETWEEN 1 AND 10),
  method          text,
  expected_status text[],
  must_match      text,
  must_not_match  text,
  labels          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
  options         jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
  owner           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX target_catalog_pipeline ON {schema}.target_catalog (pipeline, id);

CREATE FUNCTION {schema}.target_catalog_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER target_catalog_touch BEFORE UPDATE ON {schema}.target_catalog
  FOR EACH ROW EXECUTE FUNCTION {schema}.target_catalog_touch();

-- The payload is the row's id; the channel names the schema, so two schemas in one database
-- do not hear each other. A renamed row notifies both ids.
CREATE FUNCTION {schema}.target_catalog_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('watchpost_catalog.' || TG_TABLE_SCHEMA, OLD.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.id <> OLD.id) THEN
    PERFORM pg_notify('watchpost_catalog.' || TG_TABLE_SCHEMA, NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER target_catalog_notify AFTER INSERT OR UPDATE OR DELETE ON {schema}.target_catalog
  FOR EACH ROW EXECUTE FUNCTION {schema}.target_catalog_notify();
)SQL"},
    {4, "check_results.region: where each check ran from (the fleet's regions)",
     R"SQL(
-- NULL for results of nodes without a region (and every result from before). Adding a
-- column without a default is a catalogue change only, even on a large partitioned table.
ALTER TABLE {schema}.check_results ADD COLUMN region text;
)SQL"},
    // Quorum verdicts across regions (pg_sink's `quorum`, docs/fleet.md): one row per target
    // and slot, recomputed whenever a region's result for that slot arrives.
    {5, "verdicts: one per target and slot, from every region's result",
     R"SQL(
CREATE TABLE {schema}.verdicts (
  pipeline        text NOT NULL,
  target_id       text NOT NULL,
  scheduled_at    timestamptz NOT NULL,
  verdict         text NOT NULL CHECK (verdict IN ('up', 'down', 'degraded', 'unknown')),
  quorum          integer NOT NULL,
  regions_up      text[] NOT NULL,
  regions_down    text[] NOT NULL,
  regions_unknown text[] NOT NULL,
  regions_missing text[] NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, target_id, scheduled_at)
);
CREATE INDEX verdicts_time ON {schema}.verdicts (scheduled_at);
)SQL"},
    // Alerts (docs/alerting.md): one row per alert from its firing to its resolve. The row
    // without ended_at is what fires now, at most one per (pipeline, rule, target), so the
    // writer that takes over a partition reads its alerts back from here.
    {6, "alerts: what fires and what fired, one row per alert",
     R"SQL(
CREATE TABLE {schema}.alerts (
  id              bigserial PRIMARY KEY,
  pipeline        text NOT NULL,
  rule            text NOT NULL,
  target_id       text NOT NULL,
  severity        text NOT NULL,
  summary         text NOT NULL,
  value           text NOT NULL,
  url             text NOT NULL DEFAULT '',
  labels          jsonb NOT NULL DEFAULT '{}',
  node            text NOT NULL DEFAULT '',
  started_at      timestamptz NOT NULL,
  last_slot       timestamptz NOT NULL,
  ended_at        timestamptz,
  resolved_summary text,
  resolved_value  text,
  acknowledged_at timestamptz,
  acknowledged_by text
);
CREATE UNIQUE INDEX alerts_one_firing ON {schema}.alerts (pipeline, rule, target_id) WHERE ended_at IS NULL;
CREATE INDEX alerts_by_target ON {schema}.alerts (target_id, started_at DESC);
CREATE INDEX alerts_by_time ON {schema}.alerts (started_at);
)SQL"},
    // Accounts of the REST API (`watchpost serve`, docs/api.md). Passwords as Argon2id
    // strings; API tokens as the SHA-256 of the token, which is shown once and never stored.
    {7, "users and api_tokens: the REST API's accounts",
     R"SQL(
CREATE TABLE {schema}.users (
  id              bigserial PRIMARY KEY,
  email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  password_hash   text NOT NULL,
  role            text NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  failed_logins   integer NOT NULL DEFAULT 0,
  last_failed_at  timestamptz
);
CREATE UNIQUE INDEX users_email ON {schema}.users (lower(email));
CREATE TABLE {schema}.api_tokens (
  id              bigserial PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES {schema}.users (id) ON DELETE CASCADE,
  name            text NOT NULL,
  token_sha256    text NOT NULL UNIQUE,
  prefix          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz
);
CREATE INDEX api_tokens_user ON {schema}.api_tokens (user_id);
CREATE INDEX target_catalog_owner ON {schema}.target_catalog (owner, id);
)SQL"},
    // Public status pages (docs/api.md): an admin picks targets and a slug; anyone may read
    // the page, which shows names, states and uptime only.
    {8, "status_pages: public pages of chosen targets",
     R"SQL(
CREATE TABLE {schema}.status_pages (
  slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  show_urls   boolean NOT NULL DEFAULT false,
  created_by  bigint REFERENCES {schema}.users (id) ON DELETE SET NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {schema}.status_page_targets (
  slug        text NOT NULL REFERENCES {schema}.status_pages (slug) ON DELETE CASCADE,
  target_id   text NOT NULL,
  position    integer NOT NULL,
  label       text,
  PRIMARY KEY (slug, target_id)
);
)SQL"},
    // Maintenance windows (docs/maintenance.md). Results carry the window they fell in; the
    // catalogue keeps windows beside the targets: each target row read (pg_targets, the fleet's
    // publisher, the API) brings the windows that choose it, so they reach every checker as part
    // of its definition. A change to a window makes every reader read the catalogue again.
    {9, "maintenance windows: results marked in_maintenance, windows in the catalogue",
     R"SQL(
-- A constant default is a catalogue change only (no rewrite), even on a large partitioned table.
ALTER TABLE {schema}.check_results ADD COLUMN in_maintenance boolean NOT NULL DEFAULT false;
ALTER TABLE {schema}.check_results ADD COLUMN maintenance_window text;
ALTER TABLE {schema}.targets ADD COLUMN in_maintenance boolean NOT NULL DEFAULT false;
-- A slot some region checked inside a window is judged 'maintenance', whatever the regions saw.
ALTER TABLE {schema}.verdicts DROP CONSTRAINT verdicts_verdict_check,
  ADD CONSTRAINT verdicts_verdict_check CHECK (verdict IN ('up', 'down', 'degraded', 'unknown', 'maintenance'));

CREATE TABLE {schema}.maintenance_windows (
  name         text NOT NULL CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
  owner        text,
  schedule     text,
  duration_ms  bigint CHECK (duration_ms IS NULL OR duration_ms BETWEEN 60000 AND 2678400000),
  starts_at    timestamptz,
  ends_at      timestamptz,
  timezone     text NOT NULL DEFAULT 'UTC',
  target_ids   text[] NOT NULL DEFAULT '{}',
  labels       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
  comment      text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((schedule IS NOT NULL AND duration_ms IS NOT NULL AND starts_at IS NULL AND ends_at IS NULL) OR
         (schedule IS NULL AND starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at))
);
-- Names are unique across owners: a target's windows are told apart by name.
CREATE UNIQUE INDEX maintenance_windows_name ON {schema}.maintenance_windows (name);

-- Readers of the catalogue take an empty payload as "read everything again" (no id is empty).
CREATE FUNCTION {schema}.maintenance_windows_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('watchpost_catalog.' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END $$;
CREATE TRIGGER maintenance_windows_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {schema}.maintenance_windows
  FOR EACH STATEMENT EXECUTE FUNCTION {schema}.maintenance_windows_notify();
)SQL"},
};

}  // namespace

const Migration* migrations(size_t& count) {
  count = sizeof(kMigrations) / sizeof(kMigrations[0]);
  return kMigrations;
}

std::string with_schema(const std::string& sql, const std::string& schema) {
  std::string out = sql;
  const std::string token = "{schema}";
  const std::string quoted = "\"" + schema + "\"";
  for (size_t at; (at = out.find(token)) != std::string::npos;) out.replace(at, token.size(), quoted);
  return out;
}

int apply_migrations(pqxx::connection& c, const std::string& schema) {
  const std::string lock = "SELECT pg_advisory_lock(hashtext('watchpost.migrations:' || " + c.quote(schema) + "))";
  const std::string unlock = "SELECT pg_advisory_unlock(hashtext('watchpost.migrations:' || " + c.quote(schema) + "))";
  {
    pqxx::nontransaction n(c);
    n.exec(lock);
  }
  int applied = 0;
  try {
    {
      pqxx::work w(c);
      w.exec(with_schema("CREATE SCHEMA IF NOT EXISTS {schema}", schema));
      w.exec(with_schema(
          "CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (version integer PRIMARY KEY, "
          "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
          schema));
      w.commit();
    }
    int current;
    {
      pqxx::work w(c);
      current = w.exec(with_schema("SELECT coalesce(max(version), 0) FROM {schema}.schema_migrations", schema))[0][0]
                    .as<int>();
    }
    size_t count;
    const Migration* list = migrations(count);
    for (size_t i = 0; i < count; ++i) {
      if (list[i].version <= current) continue;
      pqxx::work w(c);
      w.exec(with_schema(list[i].sql, schema));
      w.exec(with_schema("INSERT INTO {schema}.schema_migrations (version, description) VALUES (", schema) +
             std::to_string(list[i].version) + ", " + w.quote(list[i].description) + ")");
      w.commit();
      ++applied;
    }
  } catch (...) {
    pqxx::nontransaction n(c);
    n.exec(unlock);
    throw;
  }
  pqxx::nontransaction n(c);
  n.exec(unlock);
  return applied;
}

}  // namespace watchpost::pg
