#include "result_encoder.hpp"

#include <watchpost/utf8.hpp>

#include <climits>

namespace watchpost::avro {
namespace {

// Avro's int and long: zig-zag, then 7 bits a byte, low bits first.
void varint(std::string& out, int64_t n) {
  uint64_t z = (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
  char buf[10];
  size_t len = 0;
  while (z >= 0x80) {
    buf[len++] = static_cast<char>((z & 0x7F) | 0x80);
    z >>= 7;
  }
  buf[len++] = static_cast<char>(z);
  out.append(buf, len);
}

std::string_view view(wp_str s) { return {s.data ? s.data : "", s.size}; }

// Text that can be written as it is: well-formed UTF-8 without NUL.
bool clean(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != 0 && c < 0x80) {
      ++i;
      continue;
    }
    size_t n = c == 0 ? 0 : utf8::sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// A ["null", T] union's branch: 0 null, 1 the value.
void branch(std::string& out, bool present) { out.push_back(present ? '\x02' : '\x00'); }

}  // namespace

void ResultEncoder::text(std::string& out, std::string_view s) {
  if (!clean(s)) {
    repaired_.clear();
    utf8::append_text(repaired_, s);
    s = repaired_;
  }
  varint(out, static_cast<int64_t>(s.size()));
  out.append(s.data(), s.size());
}

// The fields in the order of docs/avro/result-v3.avsc.
void ResultEncoder::encode(const wp_result& r, std::string& out) {
  text(out, view(r.result_id));
  text(out, view(r.target_id));
  text(out, view(r.pipeline));
  text(out, view(r.url));
  text(out, view(r.node));
  if (r.label_count > 0) {  // a map: one block of label_count pairs, then the empty block
    varint(out, static_cast<int64_t>(r.label_count));
    for (size_t i = 0; i < r.label_count; ++i) {
      text(out, view(r.labels[i].key));
      text(out, view(r.labels[i].value));
    }
  }
  out.push_back('\0');
  varint(out, r.scheduled_at_us);
  varint(out, r.started_at_us);
  varint(out, r.outcome >= 0 && r.outcome <= 2 ? r.outcome : WP_OUTCOME_UNKNOWN);  // symbols up, down, unknown
  branch(out, r.error_kind != WP_ERR_NONE);
  if (r.error_kind != WP_ERR_NONE) text(out, wp_error_kind_name(r.error_kind));
  branch(out, r.error_message.size > 0);
  if (r.error_message.size > 0) text(out, view(r.error_message));
  branch(out, r.http_status != 0);
  if (r.http_status != 0) varint(out, r.http_status);
  for (int64_t phase : {r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us}) {
    branch(out, phase >= 0);
    if (phase >= 0) varint(out, phase);
  }
  varint(out, static_cast<int64_t>(r.bytes_received));
  branch(out, r.resolved_ip.size > 0);
  if (r.resolved_ip.size > 0) text(out, view(r.resolved_ip));
  branch(out, r.ip_family != 0);
  if (r.ip_family != 0) varint(out, r.ip_family);
  branch(out, r.tls_days_left != INT32_MIN);
  if (r.tls_days_left != INT32_MIN) varint(out, r.tls_days_left);
  varint(out, static_cast<int32_t>(r.attempts));
  varint(out, r.redirects);
  if (r.verdict_count > 0) {
    varint(out, static_cast<int64_t>(r.verdict_count));
    const char* verdicts = reinterpret_cast<const char*>(r.verdicts);
    for (size_t i = 0; i < r.verdict_count; ++i) {
      const auto* v = reinterpret_cast<const wp_verdict_view*>(verdicts + i * r.verdicts[0].struct_size);
      text(out, view(v->evaluator));
      // The record's pass is 1 pass, 0 fail, -1 undecided; the enum's symbols are pass, fail, undecided.
      varint(out, v->pass == 1 ? 0 : v->pass == 0 ? 1 : 2);
      text(out, view(v->message));
    }
  }
  out.push_back('\0');
  wp_str region = wp_result_region(&r);
  branch(out, region.size > 0);
  if (region.size > 0) text(out, view(region));
  wp_str window = wp_result_maintenance(&r);
  branch(out, window.size > 0);
  if (window.size > 0) text(out, view(window));
}

}  // namespace watchpost::avro
