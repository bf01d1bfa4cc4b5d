#include "result_encoder.hpp"

#include <watchpost/utf8.hpp>

#include <algorithm>
#include <climits>
#include <cstring>

namespace watchpost::avro {
namespace {

// Avro's int and long: zig-zag, then 7 bits a byte, low bits first (ten bytes at most).
char* varint(char* p, int64_t n) {
  uint64_t z = (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
  while (z >= 0x80) {
    *p++ = static_cast<char>((z & 0x7F) | 0x80);
    z >>= 7;
  }
  *p++ = static_cast<char>(z);
  return p;
}

std::string_view view(wp_str s) { return {s.data ? s.data : "", s.size}; }

// A ["null", T] union's branch: 0 null, 1 the value.
char* branch(char* p, bool present) {
  *p++ = present ? '\x02' : '\x00';
  return p;
}

}  // namespace

char* ResultEncoder::text(char* p, std::string_view s) {
  if (!utf8::is_clean_text(s)) {
    repaired_.clear();
    utf8::append_text(repaired_, s);
    s = repaired_;
  }
  p = varint(p, static_cast<int64_t>(s.size()));
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Written into memory sized beforehand, as the JSON encoder does: an append per field was
// most of this encoder's time. Repair turns a bad byte into three (U+FFFD), so text is
// counted thrice; every number, length and branch takes ten bytes at most.
void ResultEncoder::encode(const wp_result& r, std::string& out) {
  wp_str region = wp_result_region(&r), window = wp_result_maintenance(&r);
  const char* verdicts = reinterpret_cast<const char*>(r.verdicts);
  auto verdict = [&](size_t i) {
    return reinterpret_cast<const wp_verdict_view*>(verdicts + i * r.verdicts[0].struct_size);
  };
  size_t text_bytes = r.result_id.size + r.target_id.size + r.pipeline.size + r.url.size + r.node.size +
                      r.error_message.size + r.resolved_ip.size + region.size + window.size + 32;  // + error kind
  for (size_t i = 0; i < r.label_count; ++i) text_bytes += r.labels[i].key.size + r.labels[i].value.size;
  for (size_t i = 0; i < r.verdict_count; ++i) text_bytes += verdict(i)->evaluator.size + verdict(i)->message.size;
  size_t items = 40 + 2 * r.label_count + 3 * r.verdict_count;
  size_t need = 3 * text_bytes + 10 * items;
  if (scratch_size_ < need) {  // written here, then appended: a resize of `out` would zero it all first
    scratch_size_ = std::max<size_t>(need, 4096);
    scratch_.reset(new char[scratch_size_]);
  }
  char* const start = scratch_.get();
  char* p = start;

  p = text(p, view(r.result_id));
  p = text(p, view(r.target_id));
  p = text(p, view(r.pipeline));
  p = text(p, view(r.url));
  p = text(p, view(r.node));
  if (r.label_count > 0) {  // a map: one block of label_count pairs, then the empty block
    p = varint(p, static_cast<int64_t>(r.label_count));
    for (size_t i = 0; i < r.label_count; ++i) {
      p = text(p, view(r.labels[i].key));
      p = text(p, view(r.labels[i].value));
    }
  }
  *p++ = '\0';
  p = varint(p, r.scheduled_at_us);
  p = varint(p, r.started_at_us);
  p = varint(p, r.outcome >= 0 && r.outcome <= 2 ? r.outcome : WP_OUTCOME_UNKNOWN);  // symbols up, down, unknown
  p = branch(p, r.error_kind != WP_ERR_NONE);
  if (r.error_kind != WP_ERR_NONE) p = text(p, wp_error_kind_name(r.error_kind));
  p = branch(p, r.error_message.size > 0);
  if (r.error_message.size > 0) p = text(p, view(r.error_message));
  p = branch(p, r.http_status != 0);
  if (r.http_status != 0) p = varint(p, r.http_status);
  for (int64_t phase : {r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us}) {
    p = branch(p, phase >= 0);
    if (phase >= 0) p = varint(p, phase);
  }
  p = varint(p, static_cast<int64_t>(r.bytes_received));
  p = branch(p, r.resolved_ip.size > 0);
  if (r.resolved_ip.size > 0) p = text(p, view(r.resolved_ip));
  p = branch(p, r.ip_family != 0);
  if (r.ip_family != 0) p = varint(p, r.ip_family);
  p = branch(p, r.tls_days_left != INT32_MIN);
  if (r.tls_days_left != INT32_MIN) p = varint(p, r.tls_days_left);
  p = varint(p, static_cast<int32_t>(r.attempts));
  p = varint(p, r.redirects);
  if (r.verdict_count > 0) {
    p = varint(p, static_cast<int64_t>(r.verdict_count));
    for (size_t i = 0; i < r.verdict_count; ++i) {
      p = text(p, view(verdict(i)->evaluator));
      // The record's pass is 1 pass, 0 fail, -1 undecided; the enum's symbols are pass, fail, undecided.
      int pass = verdict(i)->pass;
      p = varint(p, pass == 1 ? 0 : pass == 0 ? 1 : 2);
      p = text(p, view(verdict(i)->message));
    }
  }
  *p++ = '\0';
  p = branch(p, region.size > 0);
  if (region.size > 0) p = text(p, view(region));
  p = branch(p, window.size > 0);
  if (window.size > 0) p = text(p, view(window));
  out.append(start, p);
}

}  // namespace watchpost::avro
