#include "help.hpp"

#include <map>

namespace watchpost::cli {
namespace {

const char* kCommon = R"(
Options for every command (also accepted before the command):
  --plugin-dir DIR    Look for plugins here first (repeatable). Also searched:
                      $WATCHPOST_PLUGIN_PATH (colon-separated), ../lib/watchpost/plugins
                      next to this binary, and the install directory.
  --log-format F      auto (default: human on a terminal, JSON otherwise), human or json.
  --log-level L       debug, info (default), warn or error.
  --help, -h          This text.
)";

const std::map<std::string, std::string>& texts() {
  static const std::map<std::string, std::string> t = {
      {"run", R"(Usage: watchpost run FILE [--once] [--for DURATION] [--drain-timeout DURATION]

Runs the pipelines of FILE until SIGTERM or SIGINT.
  --once                 check every target once, then drain and exit
  --for DURATION         stop by itself after DURATION (e.g. 90s)
  --drain-timeout D      on a signal, checks in flight and the sinks' flush get D in all
                         (default 30s); what the sinks could not write by then is spooled
Signals: SIGTERM/SIGINT drain and exit 0, a second one stops at once (still spooling);
SIGHUP re-reads FILE, and an invalid file is rejected while the old one keeps running.
)"},
      {"validate", R"(Usage: watchpost validate FILE

Checks FILE against every plugin's option schema without running anything. Exit 0 when it
is valid; exit 1 with file:line:column and the fix for each problem.
)"},
      {"plugins", R"(Usage: watchpost plugins [NAME]

Lists the plugins found, their kinds and options, and the options the core gives every
target and sink. With NAME, only that plugin.
)"},
      {"check", R"(Usage: watchpost check URL [--match REGEX [--no-match]] [--timeout 10s] [--attempts N]
                       [--method M] [--header 'Name: value']... [--data TEXT|@FILE] [--status LIST]
                       [--ca-file FILE] [--insecure] [--json]

Checks one URL now and prints the result. Exit 0 up, 2 down, 3 unknown (the monitoring
plugin convention).
  --match REGEX      the body must match REGEX (PCRE2); with --no-match it must not
  --timeout D        give up after D (default 10s)
  --attempts N       tries before reporting down (default 1)
  --method M         GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS
  --header 'N: V'    a request header; repeat for more
  --data TEXT|@FILE  the request body (from FILE with @); the method becomes POST unless given
  --status LIST      statuses that mean up, comma-separated (default 200-399): 200,204 or 2xx
  --ca-file FILE     trust the CA certificates in FILE
  --insecure         do not verify TLS certificates
  --json             print the result record as JSON
)"},
      {"report", R"(Usage: watchpost report [--dsn DSN] [--since 24h] [--target ID] [--schema watchpost] [--json]

Per target, from PostgreSQL: checks, up, down, uptime %, p50/p95/max latency, last error.
  --dsn DSN        libpq connection string or URI; default $WATCHPOST_DSN, then libpq's
                   PG* environment variables
  --since D        the window (default 24h; e.g. 30m, 7d)
  --target ID      one target only
  --schema NAME    the schema pg_sink writes to (default watchpost)
  --json           JSON instead of a table
)"},
      {"alerts", R"(Usage: watchpost alerts [--dsn DSN] [--schema watchpost] [--spool DIR] [--history 20] [--json]

The alerts firing now and the latest resolved ones (docs/alerting.md). From PostgreSQL's
alerts table, where pipelines that store their results with pg_sink keep their alerts; or,
with --spool, from a node's spool folder (SPOOL/alerts/).
  --dsn DSN        libpq connection string or URI; default $WATCHPOST_DSN, then libpq's
                   PG* environment variables
  --schema NAME    the schema pg_sink writes to (default watchpost)
  --spool DIR      read the spool folder DIR instead of PostgreSQL
  --history N      resolved alerts shown, newest first (default 20)
  --json           {"firing": [...], "history": [...]} instead of a table
)"},
      {"serve", R"(Usage: watchpost serve [--dsn DSN] [--listen 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE]
                       [--token-secret-file FILE] [--token-lifetime 15m] [--no-signup]
                       [--config FILE] [--pipeline default] [--threads 4] [--schema watchpost]

The REST API (docs/api.md): accounts, tokens, targets, statistics and alerts over PostgreSQL,
and the web page (docs/web.md): the dashboard at /, public status pages at /status/SLUG.
Targets it writes are the catalogue, which pipelines with pg_targets check within 2 s.
  --dsn DSN                libpq connection string or URI; default $WATCHPOST_DSN
  --listen HOST:PORT       default 127.0.0.1:8080 (loopback); prints "listening URL" once up
  --tls-cert/--tls-key     serve HTTPS with these PEM files
  --token-secret-file F    the access tokens' HS256 secret (>= 32 bytes); default
                           $WATCHPOST_API_SECRET, else a random one for this process only
  --token-lifetime D       access tokens last this long (default 15m)
  --no-signup              only `watchpost users add` makes accounts
  --config FILE            check targets against FILE's probe pipeline of their `pipeline`
  --pipeline NAME          a new target's pipeline when the request names none (default)
  --threads N              requests served at once (default 4)
)"},
      {"users", R"(Usage: watchpost users add --email EMAIL [--role admin|member|viewer] [--dsn DSN]
       watchpost users list [--dsn DSN]

The REST API's accounts. The password comes from $WATCHPOST_PASSWORD or one line on stdin
(never the command line). The first account of a database is an admin.
)"},
      {"maintenance", R"(Usage: watchpost maintenance SUBCOMMAND [--dsn DSN] [--schema watchpost] [options]

Maintenance windows in the catalogue (SCHEMA.maintenance_windows, docs/maintenance.md).
During a window the targets it chooses are still checked and their results stored, marked
in_maintenance; alerts neither fire nor notify; report and the API leave those checks out of
uptime. Pipelines reading the catalogue (pg_targets) apply a change within 2 s.

  add NAME --schedule CRON --duration 1h [--timezone Europe/Berlin]     recurring
  add NAME --start TIME (--end TIME | --duration 2h) [--timezone TZ]     one-off
      TIME: 2026-12-01T22:00:00Z, or local 2026-12-01 22:00 in --timezone
      [--target ID ...] [--label KEY=VALUE ...]   which targets (none: every target)
      [--owner NAME] [--comment TEXT]
  list [--json]                           every window, whom it applies to, open or next
  remove NAME

  CRON: minute hour day-of-month month day-of-week ("0 2 * * SUN"), or @daily, @weekly...
)"},
      {"targets", R"(Usage: watchpost targets SUBCOMMAND [--dsn DSN] [--schema watchpost] [options]

The target catalogue in PostgreSQL (SCHEMA.target_catalog), which pipelines with
`targets: {plugin: pg_targets, ...}` follow: a change is checked within 2 s. Every write is
validated first, with the errors `watchpost validate` gives.

  add --id ID --url URL [--pipeline NAME] [--interval 30s] [--timeout 5s] [--attempts N]
      [--method GET|HEAD|POST|...] [--expect-status 200-299 ...] [--match REGEX] [--no-match REGEX]
      [--label KEY=VALUE ...] [--option KEY=VALUE ...] [--owner NAME] [--disabled]
  update --id ID [any option of add]      change what is given, keep the rest
  enable --id ID | disable --id ID        a disabled target is kept but not checked
  remove --id ID
  list [--pipeline NAME] [--json]         every row, its latest status (from pg_sink's
                                          table), and why a row is skipped if it is
  import FILE [--pipeline NAME] [--into NAME]   a pipeline file's targets list into the
                                          catalogue (file:line:column errors, as validate)
  export [--pipeline NAME]                the rows as a pipeline file (import reads it back)
  publish --brokers HOST:PORT [--topic watchpost.targets] [--pipeline NAME] [--every 10s]
                                          the fleet's catalogue topic made equal to the
                                          rows (docs/fleet.md): only differences produced,
                                          a tombstone for each target gone; with --every,
                                          it stays up: each change published as PostgreSQL
                                          announces it, all reconciled at that period
      [--format avro (--schema-registry URL | --schema-id N | --avro-framing plain)]
                                          values as Avro target records (docs/kafka.md)

  --dsn DSN        libpq connection string or URI; default $WATCHPOST_DSN, then libpq's
                   PG* environment variables
  --schema NAME    default watchpost (the schema pg_sink and pg_targets use)
  --pipeline NAME  the pipeline a row belongs to (default: default)
  --config FILE    validate rows against FILE's pipeline of that name (default: an http
                   probe with its defaults)
)"},
  };
  return t;
}

}  // namespace

const char* overview_help() {
  static const std::string text = std::string(R"(watchpost — website monitoring built from plugins

Usage:
  watchpost run FILE [--once] [--for DURATION] [--drain-timeout DURATION]
  watchpost validate FILE
  watchpost plugins [NAME]
  watchpost check URL [--match REGEX] [--timeout 10s] [--attempts N] [--insecure] [--json]
  watchpost report [--dsn DSN] [--since 24h] [--target ID] [--schema watchpost] [--json]
  watchpost targets add|update|remove|enable|disable|list|import|export|publish [--dsn DSN] ...
  watchpost alerts [--dsn DSN | --spool DIR] [--history 20] [--json]
  watchpost serve [--dsn DSN] [--listen 127.0.0.1:8080] ...
  watchpost users add|list [--dsn DSN] ...
  watchpost maintenance add|list|remove [--dsn DSN] ...
  watchpost COMMAND --help | --version | --help

Commands:
  run        Run the pipelines of FILE until SIGTERM/SIGINT (drain, flush, exit 0).
             SIGHUP re-reads FILE; an invalid file is rejected and the old one keeps running.
  validate   Check FILE against every plugin's option schema; exit 1 with file:line:column
             for each problem.
  plugins    List the plugins found, their kinds and their options.
  check      Check one URL now and print the result. Exit 0 up, 2 down, 3 unknown.
  report     Per target from PostgreSQL: checks, up, down, uptime %, p50/p95/max latency,
             last error. --dsn (or $WATCHPOST_DSN, or libpq's PG* variables).
  targets    The target catalogue in PostgreSQL: add, change, list, import, export, publish sites
             that running pipelines pick up within 2 s.
  alerts     The alerts firing now and the latest resolved, from PostgreSQL or a spool folder.
  serve      The REST API and the dashboard: accounts, targets, statistics, alerts.
  users      The REST API's accounts: add, list.
  maintenance  Maintenance windows in the catalogue: checks go on, marked; no alerts; not in uptime.
)") + kCommon + R"(
Documentation: docs/ in the source tree; examples/quickstart.yaml to start from.
)";
  return text.c_str();
}

std::string command_help(const std::string& command) {
  auto it = texts().find(command);
  return it == texts().end() ? std::string() : it->second + kCommon;
}

}  // namespace watchpost::cli
