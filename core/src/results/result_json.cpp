#include "result_json.hpp"

#include "json_writer.hpp"
#include "result.hpp"

#include <climits>
#include <cstring>
#include <ctime>

namespace watchpost {
namespace {

std::string_view sv(wp_str s) { return s.data ? std::string_view(s.data, s.size) : std::string_view(); }

// RFC 3339 with microseconds, UTC: sortable and readable by every JSON consumer. Digits by
// hand: snprintf was a twentieth of the encoding time.
void rfc3339(char (&buf)[28], int64_t us) {
  if (us < 0) us = 0;  // never before the epoch: the decoder refuses such times
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::memcpy(buf, "0000-00-00T00:00:00.000000Z", sizeof buf);
  auto put = [&](size_t at, int value, int digits) {
    for (int d = digits - 1; d >= 0; --d, value /= 10) buf[at + static_cast<size_t>(d)] = static_cast<char>('0' + value % 10);
  };
  put(0, tm.tm_year + 1900, 4);
  put(5, tm.tm_mon + 1, 2);
  put(8, tm.tm_mday, 2);
  put(11, tm.tm_hour, 2);
  put(14, tm.tm_min, 2);
  put(17, tm.tm_sec, 2);
  put(20, static_cast<int>(us % 1'000'000), 6);
}

template <size_t N>
void time_field(JsonWriter& j, const char (&key)[N], int64_t us) {
  char buf[28];
  rfc3339(buf, us);
  j.key(key);
  j.plain_value(std::string_view(buf, sizeof buf - 1));
}

template <size_t N>
void duration(JsonWriter& j, const char (&key)[N], int64_t us) {
  j.key(key);
  if (us < 0) j.null();
  else j.value(us);
}

}  // namespace

void append_result_json(std::string& out, const wp_result& r) {
  out.reserve(out.size() + 640);  // a typical result's size: one allocation, not several
  JsonWriter j(out);
  j.begin_object();
  j.field("schema_version", int64_t{kResultSchemaVersion});
  j.field("result_id", sv(r.result_id));
  j.field("target_id", sv(r.target_id));
  j.field("pipeline", sv(r.pipeline));
  j.field("url", sv(r.url));
  j.field("node", sv(r.node));
  if (wp_str region = region_of(r); region.size) j.field("region", sv(region));
  if (wp_str window = wp_result_maintenance(&r); window.size) {
    j.field("in_maintenance", true);
    j.field("maintenance_window", sv(window));
  }
  j.key("labels");
  j.begin_object();
  for (size_t i = 0; i < r.label_count; ++i) j.field(sv(r.labels[i].key), sv(r.labels[i].value));
  j.end_object();
  time_field(j, "scheduled_at", r.scheduled_at_us);
  time_field(j, "started_at", r.started_at_us);
  j.key("outcome");
  j.plain_value(outcome_name(r.outcome));
  j.key("error_kind");
  if (r.error_kind == WP_ERR_NONE) j.null();
  else j.plain_value(error_kind_name(r.error_kind));
  j.key("error_message");
  if (r.error_message.size == 0) j.null();
  else j.value(sv(r.error_message));
  j.key("http_status");
  if (r.http_status == 0) j.null();
  else j.value(r.http_status);
  j.key("timings_us");
  j.begin_object();
  duration(j, "dns", r.dns_us);
  duration(j, "connect", r.connect_us);
  duration(j, "tls", r.tls_us);
  duration(j, "first_byte", r.first_byte_us);
  duration(j, "total", r.total_us);
  j.end_object();
  j.field("bytes_received", r.bytes_received);
  j.key("resolved_ip");
  if (r.resolved_ip.size == 0) j.null();
  else j.value(sv(r.resolved_ip));
  j.key("ip_family");
  if (r.ip_family == 0) j.null();
  else j.value(r.ip_family);
  j.key("tls_days_left");
  if (r.tls_days_left == INT32_MIN) j.null();
  else j.value(r.tls_days_left);
  j.field("attempts", r.attempts);
  j.field("redirects", r.redirects);
  j.key("verdicts");
  j.begin_array();
  if (r.verdict_count > 0) {
    const char* base = reinterpret_cast<const char*>(r.verdicts);
    size_t stride = r.verdicts[0].struct_size;
    for (size_t i = 0; i < r.verdict_count; ++i) {
      auto* v = reinterpret_cast<const wp_verdict_view*>(base + i * stride);
      j.begin_object();
      j.field("evaluator", sv(v->evaluator));
      j.field("pass", v->pass == 1 ? std::string_view("pass") : v->pass == 0 ? "fail" : "undecided");
      j.field("message", sv(v->message));
      j.end_object();
    }
  }
  j.end_array();
  j.end_object();
}

}  // namespace watchpost
