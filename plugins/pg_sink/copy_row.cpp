#include "copy_row.hpp"

#include <watchpost/plugin.hpp>
#include <watchpost/utf8.hpp>

#include <climits>
#include <cstddef>
#include <cstdio>
#include <ctime>

namespace watchpost::pg {

const char* const kCopyColumns =
    "result_id, scheduled_at, started_at, pipeline, target_id, url, node, labels, outcome, error_kind, "
    "error_message, http_status, dns_us, connect_us, tls_us, first_byte_us, total_us, bytes_received, "
    "resolved_ip, ip_family, tls_days_left, attempts, redirects, verdicts, region, in_maintenance, maintenance_window";

namespace {

// JSON string literal (for the jsonb columns), before COPY escaping. Text first made valid
// for PostgreSQL (jsonb refuses \u0000 and bytes that are not UTF-8).
void json_string(std::string& out, std::string_view raw) {
  static const char hex[] = "0123456789abcdef";
  std::string s;
  utf8::append_text(s, raw);
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

}  // namespace

std::vector<std::string> column_list(const char* columns) {
  std::vector<std::string> out;
  std::string all = columns;
  size_t start = 0;
  for (size_t comma; (comma = all.find(", ", start)) != std::string::npos; start = comma + 2)
    out.push_back(all.substr(start, comma - start));
  out.push_back(all.substr(start));
  return out;
}

std::string timestamp_text(int64_t us) {
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us % 1'000'000));
  return buf;
}

void fill_copy_row(CopyRow& row, const wp_result& r) {
  size_t n = 0;
  auto text = [&](std::string_view v) { row.set_text(n++, v); };
  auto null = [&] { row.set_null(n++); };
  auto number = [&](int64_t v, bool is_null) {
    if (is_null) return null();
    text(std::to_string(v));
  };
  auto text_or_null = [&](wp_str v) {
    if (v.size == 0) return null();
    text(view(v));
  };
  text(view(r.result_id));
  text(timestamp_text(r.scheduled_at_us));
  if (r.started_at_us > 0) text(timestamp_text(r.started_at_us));
  else null();
  text(view(r.pipeline));
  text(view(r.target_id));
  text(view(r.url));
  text(view(r.node));
  std::string labels = "{";
  for (size_t i = 0; i < r.label_count; ++i) {
    if (i) labels += ',';
    json_string(labels, view(r.labels[i].key));
    labels += ':';
    json_string(labels, view(r.labels[i].value));
  }
  labels += '}';
  text(labels);
  text(r.outcome == WP_OUTCOME_UP ? "up" : r.outcome == WP_OUTCOME_DOWN ? "down" : "unknown");
  if (r.error_kind == WP_ERR_NONE) null();
  else text(wp_error_kind_name(r.error_kind));
  text_or_null(r.error_message);
  number(r.http_status, r.http_status == 0);
  number(r.dns_us, r.dns_us < 0);
  number(r.connect_us, r.connect_us < 0);
  number(r.tls_us, r.tls_us < 0);
  number(r.first_byte_us, r.first_byte_us < 0);
  number(r.total_us, r.total_us < 0);
  number(static_cast<int64_t>(r.bytes_received), false);
  text_or_null(r.resolved_ip);
  number(r.ip_family, r.ip_family == 0);
  number(r.tls_days_left, r.tls_days_left == INT32_MIN);
  number(r.attempts, false);
  number(r.redirects, false);
  std::string verdicts = "[";
  if (r.verdict_count > 0) {
    const char* base = reinterpret_cast<const char*>(r.verdicts);
    size_t stride = r.verdicts[0].struct_size;
    for (size_t i = 0; i < r.verdict_count; ++i) {
      auto* v = reinterpret_cast<const wp_verdict_view*>(base + i * stride);
      if (i) verdicts += ',';
      verdicts += "{\"evaluator\":";
      json_string(verdicts, view(v->evaluator));
      verdicts += ",\"pass\":";
      verdicts += v->pass == 1 ? "\"pass\"" : v->pass == 0 ? "\"fail\"" : "\"undecided\"";
      verdicts += ",\"message\":";
      json_string(verdicts, view(v->message));
      verdicts += '}';
    }
  }
  verdicts += ']';
  text(verdicts);
  text_or_null(wp_result_region(&r));
  wp_str window = wp_result_maintenance(&r);
  text(window.size ? "t" : "f");
  text_or_null(window);
}

}  // namespace watchpost::pg
