#include "result_json.hpp"

#include "json_chars.hpp"
#include "result.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <memory>

namespace watchpost {
namespace {

std::string_view sv(wp_str s) { return s.data ? std::string_view(s.data, s.size) : std::string_view(); }

// Writes one result into memory sized by bound() beforehand: no capacity check per byte.
// Keys are literals in the order the schema documents (docs/result-format.md).
class Encoder {
 public:
  explicit Encoder(char* p) : p_(p) {}
  char* end() const { return p_; }

  template <size_t N>
  void lit(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void str(std::string_view s) { p_ = json_chars::quoted(p_, s); }
  void plain(std::string_view s) {  // a name from a fixed list: nothing to escape
    *p_++ = '"';
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
    *p_++ = '"';
  }
  template <class Int>
  void num(Int v) {
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
  }
  void time(int64_t us) {
    *p_++ = '"';
    p_ = json_chars::rfc3339_us(p_, us);
    *p_++ = '"';
  }
  template <class Int>
  void num_or_null(bool is_null, Int v) {
    if (is_null) lit("null");
    else num(v);
  }
  void duration(int64_t us) { num_or_null(us < 0, us); }

 private:
  char* p_;
};

// Fixed text (keys, punctuation, numbers, times) is under 1 KiB; each label or verdict adds
// its own punctuation; every string byte may grow to six.
size_t bound(const wp_result& r, wp_str region, wp_str window) {
  size_t text = r.result_id.size + r.target_id.size + r.pipeline.size + r.url.size + r.node.size + region.size +
                window.size + r.error_message.size + r.resolved_ip.size;
  for (size_t i = 0; i < r.label_count; ++i) text += r.labels[i].key.size + r.labels[i].value.size;
  const char* base = reinterpret_cast<const char*>(r.verdicts);
  for (size_t i = 0; i < r.verdict_count; ++i) {
    auto* v = reinterpret_cast<const wp_verdict_view*>(base + i * r.verdicts[0].struct_size);
    text += v->evaluator.size + v->message.size;
  }
  return 1024 + 16 * r.label_count + 64 * r.verdict_count + json_chars::quoted_bound(text);
}

void encode(Encoder& e, const wp_result& r, wp_str region, wp_str window) {
  e.lit("{\"schema_version\":");
  e.num(kResultSchemaVersion);
  e.lit(",\"result_id\":");
  e.str(sv(r.result_id));
  e.lit(",\"target_id\":");
  e.str(sv(r.target_id));
  e.lit(",\"pipeline\":");
  e.str(sv(r.pipeline));
  e.lit(",\"url\":");
  e.str(sv(r.url));
  e.lit(",\"node\":");
  e.str(sv(r.node));
  if (region.size) {
    e.lit(",\"region\":");
    e.str(sv(region));
  }
  if (window.size) {
    e.lit(",\"in_maintenance\":true,\"maintenance_window\":");
    e.str(sv(window));
  }
  e.lit(",\"labels\":{");
  for (size_t i = 0; i < r.label_count; ++i) {
    if (i) e.lit(",");
    e.str(sv(r.labels[i].key));
    e.lit(":");
    e.str(sv(r.labels[i].value));
  }
  e.lit("},\"scheduled_at\":");
  e.time(r.scheduled_at_us);
  e.lit(",\"started_at\":");
  e.time(r.started_at_us);
  e.lit(",\"outcome\":");
  e.plain(outcome_name(r.outcome));
  e.lit(",\"error_kind\":");
  if (r.error_kind == WP_ERR_NONE) e.lit("null");
  else e.plain(error_kind_name(r.error_kind));
  e.lit(",\"error_message\":");
  if (r.error_message.size == 0) e.lit("null");
  else e.str(sv(r.error_message));
  e.lit(",\"http_status\":");
  e.num_or_null(r.http_status == 0, r.http_status);
  e.lit(",\"timings_us\":{\"dns\":");
  e.duration(r.dns_us);
  e.lit(",\"connect\":");
  e.duration(r.connect_us);
  e.lit(",\"tls\":");
  e.duration(r.tls_us);
  e.lit(",\"first_byte\":");
  e.duration(r.first_byte_us);
  e.lit(",\"total\":");
  e.duration(r.total_us);
  e.lit("},\"bytes_received\":");
  e.num(r.bytes_received);
  e.lit(",\"resolved_ip\":");
  if (r.resolved_ip.size == 0) e.lit("null");
  else e.str(sv(r.resolved_ip));
  e.lit(",\"ip_family\":");
  e.num_or_null(r.ip_family == 0, r.ip_family);
  e.lit(",\"tls_days_left\":");
  e.num_or_null(r.tls_days_left == INT32_MIN, r.tls_days_left);
  e.lit(",\"attempts\":");
  e.num(r.attempts);
  e.lit(",\"redirects\":");
  e.num(r.redirects);
  e.lit(",\"verdicts\":[");
  const char* base = reinterpret_cast<const char*>(r.verdicts);
  for (size_t i = 0; i < r.verdict_count; ++i) {
    auto* v = reinterpret_cast<const wp_verdict_view*>(base + i * r.verdicts[0].struct_size);
    if (i) e.lit(",");
    e.lit("{\"evaluator\":");
    e.str(sv(v->evaluator));
    e.lit(",\"pass\":");
    e.plain(v->pass == 1 ? std::string_view("pass") : v->pass == 0 ? "fail" : "undecided");
    e.lit(",\"message\":");
    e.str(sv(v->message));
    e.lit("}");
  }
  e.lit("]}");
}

// Memory of this thread's own for a result that has no room of the caller's: grown to the
// largest bound seen, never shrunk.
char* scratch(size_t need) {
  thread_local std::unique_ptr<char[]> memory;
  thread_local size_t size = 0;
  if (size < need) {
    size = std::max<size_t>(need, 4096);
    memory.reset(new char[size]);
  }
  return memory.get();
}

// The result's JSON, written at `out` when `cap` holds its bound, else in scratch memory.
std::string_view encoded(const wp_result& r, char* out, size_t cap) {
  wp_str region = region_of(r), window = wp_result_maintenance(&r);
  size_t need = bound(r, region, window);
  char* at = need <= cap ? out : scratch(need);
  Encoder e(at);
  encode(e, r, region, window);
  return {at, static_cast<size_t>(e.end() - at)};
}

}  // namespace

size_t write_result_json(const wp_result& r, char* out, size_t cap) {
  std::string_view json = encoded(r, out, cap);
  if (json.data() != out && json.size() <= cap) std::memcpy(out, json.data(), json.size());
  return json.size();
}

void append_result_json(std::string& out, const wp_result& r) { out += encoded(r, nullptr, 0); }

}  // namespace watchpost
