/*
 * watchpost plugin ABI — the whole contract between the core and a plugin library.
 *
 * Only C types cross this boundary: opaque handles, pointer + length strings, and POD structs
 * whose first field is their own size. That is what lets a plugin be built with another
 * compiler (or in C or Rust) and still be loaded safely.
 *
 * A plugin library exports exactly one symbol:
 *
 *     const wp_plugin_descriptor* watchpost_plugin_descriptor(void);
 *
 * The core resolves it, reads `abi_major`/`abi_minor` before anything else, and refuses the
 * library unless abi_major == WP_ABI_MAJOR and the core's minor >= the plugin's minor.
 * Growth rule: fields and tables are only ever appended; nothing is reordered or removed.
 * Every struct starts with `struct_size`, so each side can tell which fields the other knows.
 *
 * Kinds. A descriptor points to up to six tables; a NULL table means "not this kind".
 *   probe     goes out and observes a target (http)
 *   evaluator judges what a probe observed (regex on the kept body)
 *   sink      stores batches of results (stdout, kafka, postgres)
 *   source    feeds results into a pipeline (kafka consumer)
 *   targets   provides a pipeline's targets and streams changes to them (pg_targets; ABI 1.1)
 *   notifier  delivers alert events to people and their tools (webhook, alertmanager; ABI 1.3)
 *
 * Return codes: every fallible call returns WP_OK, WP_RETRY (transient: the core retries with
 * capped, jittered backoff) or WP_ERROR (permanent), and fills the wp_error it was handed.
 * A target being down is a normal result reported through the probe's report, never WP_ERROR.
 * No call may sleep to wait for something; probes never block the caller at all.
 *
 * Ownership: pointers handed to a plugin (options, results, checks) are owned by the core and
 * valid only for the duration of the call unless stated otherwise. Pointers a plugin hands
 * back (reports, descriptor, option specs) are owned by the plugin; reports live for the
 * duration of the completion call, the descriptor and specs for as long as the library is
 * loaded. Each table entry states which calls may run concurrently.
 *
 * Lifetime: the core keeps the library loaded until every instance made from it has been
 * destroyed and the runtime has quiesced.
 */
#ifndef WATCHPOST_PLUGIN_API_H
#define WATCHPOST_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WP_ABI_MAJOR 1
#define WP_ABI_MINOR 5

/* The one exported symbol's name, for loaders. */
#define WP_ENTRY_SYMBOL "watchpost_plugin_descriptor"

#if defined(_WIN32)
#define WP_EXPORT __declspec(dllexport)
#else
#define WP_EXPORT __attribute__((visibility("default")))
#endif

/* ---- return codes ------------------------------------------------------------------ */
enum { WP_OK = 0, WP_RETRY = 1, WP_ERROR = 2 };

/* ---- strings: pointer + length, not NUL-terminated unless stated ------------------- */
typedef struct wp_str {
  const char* data;
  size_t size;
} wp_str;

/* ---- errors: fixed buffers so no allocation crosses the boundary ------------------- */
typedef struct wp_error {
  uint32_t struct_size;
  char option[64];    /* the option the error is about, "" when none (NUL-terminated) */
  char message[512];  /* human readable, NUL-terminated; truncated when longer */
} wp_error;

/* ---- log levels -------------------------------------------------------------------- */
enum { WP_LOG_DEBUG = 0, WP_LOG_INFO = 1, WP_LOG_WARN = 2, WP_LOG_ERROR = 3 };

/* ---- check outcome and the closed list of error kinds ------------------------------ */
enum { WP_OUTCOME_UP = 0, WP_OUTCOME_DOWN = 1, WP_OUTCOME_UNKNOWN = 2 };

enum {
  WP_ERR_NONE = 0,
  WP_ERR_DNS = 1,               /* name did not resolve */
  WP_ERR_CONNECT = 2,           /* refused, unreachable */
  WP_ERR_TLS = 3,               /* handshake or certificate verification failed */
  WP_ERR_TIMEOUT = 4,           /* no complete answer within the timeout */
  WP_ERR_HTTP_STATUS = 5,       /* answered with a status outside the expected set */
  WP_ERR_BODY_MISMATCH = 6,     /* an evaluator judged the body wrong */
  WP_ERR_REDIRECTS = 7,         /* too many redirects */
  WP_ERR_PROTOCOL = 8,          /* malformed response */
  WP_ERR_RECV = 9,              /* connection reset or closed mid-response */
  WP_ERR_EVALUATOR = 10,        /* an evaluator could not decide (e.g. match limit) */
  WP_ERR_PROBE = 11,            /* the probe plugin itself failed (not the target) */
  WP_ERR_CANCELLED = 12,        /* shut down before completion */
  WP_ERR_WRONG_ANSWER = 13,     /* ABI 1.1: answered, but not what was expected (a DNS record) */
  WP_ERR_KIND_COUNT = 14
};

/* The stable names of error kinds, as they appear in JSON, metrics and the database. */
static inline const char* wp_error_kind_name(int32_t kind) {
  static const char* const names[WP_ERR_KIND_COUNT] = {
      "none",     "dns",         "connect",       "tls",       "timeout",   "http_status", "body_mismatch",
      "redirects", "protocol",   "recv",          "evaluator", "probe",     "cancelled", "wrong_answer"};
  return (kind >= 0 && kind < WP_ERR_KIND_COUNT) ? names[kind] : "unknown";
}

/* ---- option schema ----------------------------------------------------------------- */
enum {
  WP_OPT_STRING = 0,
  WP_OPT_INT = 1,
  WP_OPT_BOOL = 2,
  WP_OPT_DURATION = 3, /* YAML "250ms", "30s", "5m", "1h"; value in milliseconds */
  WP_OPT_BYTES = 4,    /* YAML 1048576, "64KiB", "1MiB"; value in bytes */
  WP_OPT_STRING_LIST = 5, /* YAML sequence of scalars, or one scalar = list of one */
  WP_OPT_STRING_MAP = 6,  /* YAML mapping of scalar -> scalar */
  WP_OPT_FLOAT = 7
};

/* One declared option. Arrays of specs are read with a stride of specs[0].struct_size so
 * fields can be appended later. All strings NUL-terminated and static. */
typedef struct wp_option_spec {
  uint32_t struct_size;
  const char* name;
  uint32_t type;               /* WP_OPT_* */
  int32_t required;            /* non-zero: must be given (default is then ignored) */
  const char* default_value;   /* YAML text of the default, NULL for none */
  const char* choices;         /* "GET|HEAD": the only accepted values, NULL for any */
  const char* doc;             /* one line */
} wp_option_spec;

/* One option value after validation. The core fills in defaults, so every option with a
 * default is present. Which fields are meaningful depends on `type`:
 *   STRING: text; INT, BOOL(0/1), DURATION(ms), BYTES: integer; FLOAT: number;
 *   STRING_LIST: items[0..item_count); STRING_MAP: items alternate key, value. */
typedef struct wp_option {
  uint32_t struct_size;
  wp_str name;
  uint32_t type;
  wp_str text;
  int64_t integer;
  double number;
  const wp_str* items;
  size_t item_count;
} wp_option;

typedef struct wp_options {
  uint32_t struct_size;
  const wp_option* items; /* stride items[0].struct_size */
  size_t count;
} wp_options;

/* ---- host services: what the core offers plugins, so plugins never link the core ----- */
typedef struct wp_result wp_result;

typedef struct wp_host {
  uint32_t struct_size;
  void* ctx;                     /* pass back as the first argument of every call below */
  const char* instance_name;     /* e.g. "web/http", for the plugin's own messages */
  /* Log one line. Any thread; message need not be NUL-terminated. */
  void (*log)(void* ctx, int level, const char* message, size_t size);
  /* Wall clock, microseconds since the Unix epoch. Any thread. */
  int64_t (*now_unix_us)(void* ctx);
  /* Add to a counter exported as watchpost_plugin_<name>_total. Any thread. */
  void (*counter_add)(void* ctx, const char* name, double value);
  /* Set a gauge exported as watchpost_plugin_<name>. Any thread. */
  void (*gauge_set)(void* ctx, const char* name, double value);
  /* Encode one result in the documented JSON form (docs/result-format.md). Writes at most
   * `capacity` bytes to `out` and returns the full size needed (like snprintf, no NUL). */
  size_t (*result_to_json)(void* ctx, const wp_result* result, char* out, size_t capacity);
  /* Decode one result from its JSON form; calls `fn` with a view valid only during that call.
   * Returns WP_ERROR (and fills `error`) for malformed input or an unknown schema_version. */
  int (*result_from_json)(void* ctx, const char* data, size_t size,
                          void (*fn)(void* user, const wp_result* result), void* user, wp_error* error);
  /* ---- ABI 1.1: services, so a plugin needs no threads of its own -------------------- */
  /* Run fn(user) once on the core's worker pool, where it may block on I/O (connect, read,
   * getaddrinfo) for at most the check's timeout. Any thread. Returns WP_OK, or WP_RETRY
   * when the pool's queue is full (fn will not run). A plugin's destroy (and target_destroy)
   * must wait for what it submitted that uses the instance (or target). */
  int (*submit)(void* ctx, void (*fn)(void* user), void* user);
  /* Call fn(user) once after delay_ms on the core's timer thread. fn must not block there
   * (submit what takes time). Any thread. Returns an id > 0 for timer_cancel. */
  uint64_t (*timer_start)(void* ctx, uint32_t delay_ms, void (*fn)(void* user), void* user);
  /* Returns 1 when fn will not run (cancelled in time), 0 when it ran or is running now. */
  int (*timer_cancel)(void* ctx, uint64_t timer_id);
  /* ---- ABI 1.2: where this node is -------------------------------------------------- */
  const char* node;    /* the node's id (config `node:`, else the host name); NUL-terminated */
  const char* region;  /* the node's region (config `region:`), "" when none */
} wp_host;

/* ---- the record that flows: one check result ---------------------------------------- */
typedef struct wp_label {
  wp_str key;
  wp_str value;
} wp_label;

typedef struct wp_verdict_view {
  uint32_t struct_size;
  wp_str evaluator;  /* instance name, e.g. "regex" */
  int32_t pass;      /* 1 pass, 0 fail, -1 could not decide */
  wp_str message;
} wp_verdict_view;

/* Timestamps are microseconds since the Unix epoch; durations microseconds; -1 = not measured. */
struct wp_result {
  uint32_t struct_size;
  wp_str result_id;          /* ULID, 26 chars: unique and sortable by schedule time */
  wp_str target_id;
  wp_str pipeline;
  wp_str url;
  wp_str node;               /* the node that ran the check */
  const wp_label* labels;
  size_t label_count;
  int64_t scheduled_at_us;
  int64_t started_at_us;
  int64_t dns_us, connect_us, tls_us, first_byte_us, total_us;
  int32_t http_status;       /* 0 when no response */
  uint64_t bytes_received;
  int32_t outcome;           /* WP_OUTCOME_* */
  int32_t error_kind;        /* WP_ERR_* */
  wp_str error_message;
  wp_str resolved_ip;
  int32_t ip_family;         /* 4, 6, or 0 unknown */
  int32_t tls_days_left;     /* days until the peer certificate expires; INT32_MIN if n/a */
  uint32_t attempts;         /* how many attempts this result took (1 = first try) */
  int32_t redirects;
  const wp_verdict_view* verdicts; /* stride verdicts[0].struct_size */
  size_t verdict_count;
  wp_str body;               /* kept body: given to evaluators; empty for sinks */
  /* ABI 1.2: the region the check ran from (the node's `region:`), empty when none. Read it
   * only when struct_size covers it. */
  wp_str region;
  /* ABI 1.4: the final response's headers, as the probe kept them: like `body`, given to
   * evaluators and empty for sinks. Read them with wp_result_headers. */
  const wp_label* headers;
  size_t header_count;
  /* ABI 1.5: the maintenance window the check's slot fell in (docs/maintenance.md), empty
   * when none: the result is then `in_maintenance`. Read it with wp_result_maintenance. */
  wp_str maintenance_window;
};

/* A record's region (ABI 1.2), or an empty string when the record is older than the field. */
static inline wp_str wp_result_region(const wp_result* r) {
  wp_str none = {NULL, 0};
  return r->struct_size >= offsetof(wp_result, region) + sizeof(wp_str) ? r->region : none;
}

/* A record's response headers (ABI 1.4); none when the record is older than the field. */
static inline const wp_label* wp_result_headers(const wp_result* r, size_t* count) {
  if (r->struct_size < offsetof(wp_result, header_count) + sizeof(size_t)) {
    *count = 0;
    return NULL;
  }
  *count = r->header_count;
  return r->headers;
}

/* The maintenance window a record's check fell in (ABI 1.5), or an empty string when none
 * (or when the record is older than the field). */
static inline wp_str wp_result_maintenance(const wp_result* r) {
  wp_str none = {NULL, 0};
  return r->struct_size >= offsetof(wp_result, maintenance_window) + sizeof(wp_str) ? r->maintenance_window : none;
}

/* ======================================================================================
 * PROBE
 * ====================================================================================== */

/* One scheduled attempt, handed to start(). */
typedef struct wp_check {
  uint32_t struct_size;
  uint64_t check_id;    /* echo it in the report */
  wp_str result_id;
  uint32_t timeout_ms;  /* the probe must report within this (as WP_ERR_TIMEOUT) */
  uint32_t attempt;     /* 1-based */
} wp_check;

/* What a probe observed. Owned by the probe; valid only during the completion call. */
typedef struct wp_probe_report {
  uint32_t struct_size;
  uint64_t check_id;
  int32_t outcome;          /* UP or DOWN (never a plugin error: use WP_ERR_PROBE + DOWN) */
  int32_t error_kind;
  wp_str error_message;
  int32_t http_status;
  uint64_t bytes_received;  /* all bytes of the body read, kept or not */
  int64_t dns_us, connect_us, tls_us, first_byte_us, total_us;
  wp_str resolved_ip;
  int32_t ip_family;
  int32_t tls_days_left;    /* INT32_MIN when not HTTPS */
  int32_t redirects;
  wp_str body;              /* the kept part of the body (max_body) */
  wp_str effective_url;     /* after redirects; empty = the configured url */
  /* ABI 1.1: the earliest notAfter of the certificates the peer presented, µs since the Unix
   * epoch; 0 when there was no TLS. The core reads it only when struct_size covers it. */
  int64_t tls_earliest_expiry_us;
  /* ABI 1.4: the final response's headers (after redirects), names as received. A probe keeps
   * a bounded number (the http probe: 64 of at most 4 KiB each). */
  const wp_label* headers;
  size_t header_count;
} wp_probe_report;

/* Called exactly once per start() that returned WP_OK, from any thread of the probe's. */
typedef void (*wp_probe_done_fn)(void* done_ctx, const wp_probe_report* report);

typedef struct wp_probe_api {
  uint32_t struct_size;
  const wp_option_spec* options; /* per-target options (the core adds the shared ones) */
  size_t option_count;
  /* Optional. Semantic checks beyond types (formats, ranges). No instance; any thread. */
  int (*validate)(const wp_options* options, wp_error* error);
  /* One instance per pipeline. `host` lives until destroy returns. */
  int (*create)(const wp_host* host, void** instance, wp_error* error);
  /* Completes every check still in flight (WP_ERR_CANCELLED) before returning. */
  void (*destroy)(void* instance);
  /* One target: parse its options once. Never concurrent with start() on the same target. */
  int (*target_create)(void* instance, const wp_options* options, void** target,
                       wp_error* error);
  void (*target_destroy)(void* instance, void* target);
  /* Begin one check and return at once. Called from the core's scheduler thread only.
   * On WP_OK, `done` is called exactly once later (possibly before start returns). */
  int (*start)(void* instance, void* target, const wp_check* check, wp_probe_done_fn done,
               void* done_ctx, wp_error* error);
} wp_probe_api;

/* ======================================================================================
 * EVALUATOR
 * ====================================================================================== */

typedef struct wp_verdict {
  uint32_t struct_size;
  int32_t pass;         /* 1 pass, 0 fail (the target is down), -1 could not decide */
  int32_t error_kind;   /* on fail: usually WP_ERR_BODY_MISMATCH */
  char message[512];    /* NUL-terminated, may be empty */
} wp_verdict;

typedef struct wp_evaluator_api {
  uint32_t struct_size;
  const wp_option_spec* options;
  size_t option_count;
  int (*validate)(const wp_options* options, wp_error* error);
  int (*create)(const wp_host* host, const wp_options* options, void** instance,
                wp_error* error);
  void (*destroy)(void* instance);
  /* Judge one result (its `body` is set). May be called concurrently from several threads
   * on the same instance. */
  int (*evaluate)(void* instance, const wp_result* result, wp_verdict* verdict,
                  wp_error* error);
} wp_evaluator_api;

/* ======================================================================================
 * SINK
 * ====================================================================================== */

/* Completion of a batch taken by write_async (ABI 1.2). `error` may be NULL when status is WP_OK. */
typedef void (*wp_sink_done_fn)(void* done_ctx, uint64_t batch_token, int status, const wp_error* error);

typedef struct wp_sink_api {
  uint32_t struct_size;
  const wp_option_spec* options;
  size_t option_count;
  int (*validate)(const wp_options* options, wp_error* error);
  int (*create)(const wp_host* host, const wp_options* options, void** instance,
                wp_error* error);
  void (*destroy)(void* instance);
  /* Store a batch. Runs on a thread the core dedicates to this instance, so it may block on
   * I/O (but must not sleep to wait out an outage: return WP_RETRY). Return WP_OK only when
   * every result is durable (delivery report, commit). Never concurrent on one instance. */
  int (*write)(void* instance, const wp_result* results, size_t count, wp_error* error);
  /* ABI 1.2, optional (NULL, or a shorter struct_size: the core calls write and waits).
   * Take a batch and return without waiting for it to become durable, so the core can hand
   * over the next one meanwhile (up to the sink's `max_in_flight`). Everything needed from
   * `results` must be copied before returning. WP_OK: taken; `done` is then called exactly
   * once for this `batch_token`, from any thread (also from inside this call), with WP_OK once
   * every result is durable, else WP_RETRY or WP_ERROR and the error. WP_RETRY / WP_ERROR
   * returned here: not taken, and `done` is not called. The core acknowledges batches in the
   * order it handed them over, whatever order they complete in, and retries a failed one
   * itself. Never concurrent with itself or with write on one instance; `done` is never
   * called after destroy returns (destroy completes or fails what it still holds). */
  int (*write_async)(void* instance, const wp_result* results, size_t count, uint64_t batch_token,
                     wp_sink_done_fn done, void* done_ctx, wp_error* error);
} wp_sink_api;

/* ======================================================================================
 * SOURCE
 * ====================================================================================== */

/* Hand results to the pipeline. `ack_token` comes back through ack() once every sink of the
 * pipeline has them durably. Called from within poll() only. */
typedef void (*wp_source_emit_fn)(void* emit_ctx, const wp_result* results, size_t count,
                                  uint64_t ack_token);

typedef struct wp_source_api {
  uint32_t struct_size;
  const wp_option_spec* options;
  size_t option_count;
  int (*validate)(const wp_options* options, wp_error* error);
  int (*create)(const wp_host* host, const wp_options* options, void** instance,
                wp_error* error);
  void (*destroy)(void* instance);
  /* Wait up to timeout_ms for input and emit it. Runs on a thread the core dedicates to
   * this instance; poll and ack are never concurrent. */
  int (*poll)(void* instance, wp_source_emit_fn emit, void* emit_ctx, uint32_t timeout_ms,
              wp_error* error);
  void (*ack)(void* instance, uint64_t ack_token);
} wp_source_api;

/* ======================================================================================
 * TARGETS (ABI 1.1): provides a pipeline's target set and streams changes to it
 * ====================================================================================== */

enum { WP_TARGET_UPSERT = 0, WP_TARGET_REMOVE = 1 };

typedef struct wp_target_change {
  uint32_t struct_size;
  int32_t op;         /* WP_TARGET_UPSERT or WP_TARGET_REMOVE */
  wp_str id;
  /* UPSERT: the target as one YAML (or JSON) mapping with the keys a target has in a pipeline
   * file (url, interval, timeout, attempts, labels, evaluate, the probe's options). The core
   * validates it exactly as it validates a file, and skips (logs, counts) what it refuses.
   * Empty for REMOVE. */
  wp_str definition;
} wp_target_change;

typedef struct wp_target_batch {
  uint32_t struct_size;
  /* 1: part of a full snapshot. After the part with last = 1, every target the snapshot did
   * not name is removed; targets it names unchanged are left alone (their slots kept). */
  int32_t snapshot;
  int32_t last;
  const wp_target_change* changes; /* stride changes[0].struct_size */
  size_t count;
} wp_target_batch;

typedef void (*wp_targets_emit_fn)(void* emit_ctx, const wp_target_batch* batch);

typedef struct wp_targets_api {
  uint32_t struct_size;
  const wp_option_spec* options;
  size_t option_count;
  int (*validate)(const wp_options* options, wp_error* error);
  int (*create)(const wp_host* host, const wp_options* options, void** instance, wp_error* error);
  void (*destroy)(void* instance);
  /* Wait up to timeout_ms for changes and emit them (any number of batches). Runs on a thread
   * the core dedicates to the instance. The first batches are a full snapshot; emit another
   * whenever changes may have been missed (a lost connection). WP_RETRY: the source of truth
   * cannot be read now; the core keeps the targets it has, logs, and polls again. */
  int (*poll)(void* instance, wp_targets_emit_fn emit, void* emit_ctx, uint32_t timeout_ms, wp_error* error);
} wp_targets_api;

/* ======================================================================================
 * NOTIFIER (ABI 1.3): delivers alert events
 * ====================================================================================== */

enum { WP_ALERT_FIRING = 0, WP_ALERT_RESOLVED = 1 };

/* One change of one alert (docs/alerting.md). An alert is one (rule, pipeline, target); it
 * fires once, and resolves once. */
typedef struct wp_alert_event {
  uint32_t struct_size;
  int32_t state;           /* WP_ALERT_FIRING or WP_ALERT_RESOLVED */
  wp_str alert_id;         /* the same in an alert's firing and resolved events: a dedup key */
  wp_str rule;             /* the rule's name */
  wp_str severity;         /* the rule's: "critical", "warning", ... */
  wp_str summary;          /* one line for a human, from the rule's template */
  wp_str pipeline;
  wp_str target_id;
  wp_str url;              /* redacted, as everywhere */
  const wp_label* labels;  /* the target's labels, then the rule's */
  size_t label_count;
  int64_t started_at_us;   /* when it fired */
  int64_t ended_at_us;     /* when it resolved; 0 while firing */
  int64_t event_at_us;     /* when this event was made */
  wp_str node;             /* the node that judged it */
  wp_str value;            /* what was seen, e.g. "3 down in a row: connect refused" */
  /* 1: not a change but a reminder that the alert still fires — at a start, and every rule's
   * `remind_every` — for receivers that keep state and expire what is not repeated
   * (Alertmanager). A notifier for people ignores reminders. */
  int32_t reminder;
} wp_alert_event;

typedef struct wp_notifier_api {
  uint32_t struct_size;
  const wp_option_spec* options;
  size_t option_count;
  int (*validate)(const wp_options* options, wp_error* error);
  int (*create)(const wp_host* host, const wp_options* options, void** instance, wp_error* error);
  void (*destroy)(void* instance);
  /* Deliver events, oldest first. Runs on a thread the core dedicates to the instance, so it
   * may block on I/O (with a bounded timeout). WP_OK: every event delivered. WP_RETRY: none
   * taken for sure (receiver down, 5xx, timeout): the core sends the same events again later,
   * with backoff, and keeps them on disk meanwhile. WP_ERROR: the receiver refuses them for
   * good (4xx): logged, counted, dropped. A receiver must tolerate an event twice (a crash
   * between delivery and the core's record of it): alert_id + state identify it. */
  int (*notify)(void* instance, const wp_alert_event* events, size_t count, wp_error* error);
} wp_notifier_api;

/* ======================================================================================
 * DESCRIPTOR
 * ====================================================================================== */

typedef struct wp_plugin_descriptor {
  uint32_t struct_size;
  uint32_t abi_major;   /* never moves: the core reads these two first */
  uint32_t abi_minor;
  const char* name;     /* the name pipelines use: "http" */
  const char* version;  /* the plugin's own version */
  const char* description;
  const wp_probe_api* probe;        /* NULL when not a probe */
  const wp_evaluator_api* evaluator;
  const wp_sink_api* sink;
  const wp_source_api* source;
  const wp_targets_api* targets;   /* ABI 1.1; read only when struct_size covers it */
  const wp_notifier_api* notifier; /* ABI 1.3; likewise */
} wp_plugin_descriptor;

typedef const wp_plugin_descriptor* (*wp_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* WATCHPOST_PLUGIN_API_H */
