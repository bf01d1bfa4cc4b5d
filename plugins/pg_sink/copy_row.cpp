#include "copy_row.hpp"

#include <watchpost/civil_time.hpp>
#include <watchpost/plugin.hpp>
#include <watchpost/utf8.hpp>

#include <climits>
#include <cstddef>
#include <cstdio>
#include <charconv>
#include <cstring>

namespace watchpost::pg {

const char* const kCopyColumns =
    "result_id, scheduled_at, started_at, pipeline, target_id, url, node, labels, outcome, error_kind, "
    "error_message, http_status, dns_us, connect_us, tls_us, first_byte_us, total_us, bytes_received, "
    "resolved_ip, ip_family, tls_days_left, attempts, redirects, verdicts, region, in_maintenance, maintenance_window";

namespace {

// JSON string literal (for the jsonb columns), before COPY escaping, in one pass: text made
// valid for PostgreSQL first (jsonb refuses \u0000 and bytes that are not UTF-8: U+FFFD).
void json_string(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0, i = 0;
  auto flush = [&] { out.append(s.data() + run, i - run); };
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (size_t n = utf8::sequence_length(s, i)) {
        i += n;
        continue;
      }
    }
    flush();
    if (c == 0 || c >= 0x80) {
      out += utf8::kReplacement;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
    run = ++i;
  }
  flush();
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
  char buf[kTimestampTextMax];
  return std::string(buf, timestamp_chars(buf, us));
}

size_t timestamp_chars(char (&buf)[kTimestampTextMax], int64_t us) {
  civil::Utc t = civil::from_unix_us(us);
  if (t.year < 0 || t.year > 9999) {  // past four digits: as snprintf would write them
    int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02u:%02u:%02u.%06u+00", static_cast<long long>(t.year),
                          t.month, t.day, t.hour, t.minute, t.second, t.micros);
    return static_cast<size_t>(n);
  }
  std::memcpy(buf, "0000-00-00 00:00:00.000000+00", 29);
  civil::put_digits(buf, static_cast<uint64_t>(t.year), 4);
  civil::put_digits(buf + 5, t.month, 2);
  civil::put_digits(buf + 8, t.day, 2);
  civil::put_digits(buf + 11, t.hour, 2);
  civil::put_digits(buf + 14, t.minute, 2);
  civil::put_digits(buf + 17, t.second, 2);
  civil::put_digits(buf + 20, t.micros, 6);
  return 29;
}

void fill_copy_row(CopyRow& row, const wp_result& r) {
  size_t n = 0;
  auto text = [&](std::string_view v) { row.set_text(n++, v); };
  auto null = [&] { row.set_null(n++); };
  auto number = [&](int64_t v, bool is_null) {
    if (is_null) return null();
    char buf[24];
    row.set(n++, std::string_view(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf)));
  };
  auto timestamp = [&](int64_t us) {
    char buf[kTimestampTextMax];
    row.set(n++, std::string_view(buf, timestamp_chars(buf, us)));
  };
  auto text_or_null = [&](wp_str v) {
    if (v.size == 0) return null();
    text(view(v));
  };
  text(view(r.result_id));
  timestamp(r.scheduled_at_us);
  if (r.started_at_us > 0) timestamp(r.started_at_us);
  else null();
  text(view(r.pipeline));
  text(view(r.target_id));
  text(view(r.url));
  text(view(r.node));
  std::string& labels = row.storage[n];  // built in place: valid text already, no second pass
  labels = "{";
  for (size_t i = 0; i < r.label_count; ++i) {
    if (i) labels += ',';
    json_string(labels, view(r.labels[i].key));
    labels += ':';
    json_string(labels, view(r.labels[i].value));
  }
  labels += '}';
  row.fields[n++] = labels.c_str();
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
  std::string& verdicts = row.storage[n];
  verdicts = "[";
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
  row.fields[n++] = verdicts.c_str();
  text_or_null(wp_result_region(&r));
  wp_str window = wp_result_maintenance(&r);
  text(window.size ? "t" : "f");
  text_or_null(window);
}

}  // namespace watchpost::pg
