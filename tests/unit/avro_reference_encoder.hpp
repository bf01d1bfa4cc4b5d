// libavro's own encoding of a result through its generic values: the reference the written-out
// encoder (plugins/avro_format/result_encoder.cpp) is compared with, byte for byte.
#pragma once

#include "avro_handles.hpp"
#include "result_schema.hpp"

#include <watchpost/plugin_api.h>
#include <watchpost/utf8.hpp>

#include <cerrno>
#include <climits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace watchpost::avro {

class ReferenceEncoder {
 public:
  ReferenceEncoder();
  void encode(const wp_result& result, std::string& out);

 private:
  void set_text(avro_value_t* field, wp_str text);
  void set_optional_text(avro_value_t* field, wp_str text);

  SchemaPtr schema_;
  GenericValue value_;
  WriterPtr writer_;
  std::string buffer_;
  std::string text_;
};

namespace reference_detail {

// The current schema's field positions (docs/avro/result-v3.avsc).
enum Field {
  kResultId, kTargetId, kPipeline, kUrl, kNode, kLabels, kScheduledAt, kStartedAt, kOutcome, kErrorKind,
  kErrorMessage, kHttpStatus, kTimings, kBytesReceived, kResolvedIp, kIpFamily, kTlsDaysLeft, kAttempts,
  kRedirects, kVerdicts, kRegion, kMaintenanceWindow, kFieldCount
};

inline avro_value_t field(avro_value_t* record, int index) {
  avro_value_t out;
  avro_value_get_by_index(record, index, &out, nullptr);
  return out;
}

inline void check(int rc) {
  if (rc != 0) throw std::runtime_error(std::string("libavro: ") + avro_strerror());
}

// A ["null", T] union: branch 0 is null, branch 1 the value.
inline avro_value_t branch(avro_value_t* u, bool present) {
  avro_value_t b;
  check(avro_value_set_branch(u, present ? 1 : 0, &b));
  if (!present) check(avro_value_set_null(&b));
  return b;
}

inline void set_optional_long(avro_value_t* u, int64_t v, bool present) {
  avro_value_t b = branch(u, present);
  if (present) check(avro_value_set_long(&b, v));
}

inline void set_optional_int(avro_value_t* u, int32_t v, bool present) {
  avro_value_t b = branch(u, present);
  if (present) check(avro_value_set_int(&b, v));
}

inline std::string_view view(wp_str s) { return {s.data ? s.data : "", s.size}; }

}  // namespace reference_detail

using namespace reference_detail;

inline ReferenceEncoder::ReferenceEncoder()
    : schema_(parse_schema(result_schema_json())), value_(schema_.get()), writer_(avro_writer_memory(nullptr, 0)) {
  buffer_.resize(64 * 1024);
}

inline void ReferenceEncoder::set_text(avro_value_t* f, wp_str s) {
  text_.clear();
  utf8::append_text(text_, view(s));
  check(avro_value_set_string_len(f, text_.c_str(), text_.size() + 1));
}

inline void ReferenceEncoder::set_optional_text(avro_value_t* u, wp_str s) {
  avro_value_t b = branch(u, s.size > 0);
  if (s.size > 0) set_text(&b, s);
}

inline void ReferenceEncoder::encode(const wp_result& r, std::string& out) {
  avro_value_t* v = value_.get();
  check(avro_value_reset(v));
  avro_value_t f;
  f = field(v, kResultId), set_text(&f, r.result_id);
  f = field(v, kTargetId), set_text(&f, r.target_id);
  f = field(v, kPipeline), set_text(&f, r.pipeline);
  f = field(v, kUrl), set_text(&f, r.url);
  f = field(v, kNode), set_text(&f, r.node);
  f = field(v, kLabels);
  for (size_t i = 0; i < r.label_count; ++i) {
    std::string key;
    utf8::append_text(key, view(r.labels[i].key));
    avro_value_t element;
    check(avro_value_add(&f, key.c_str(), &element, nullptr, nullptr));
    set_text(&element, r.labels[i].value);
  }
  f = field(v, kScheduledAt), check(avro_value_set_long(&f, r.scheduled_at_us));
  f = field(v, kStartedAt), check(avro_value_set_long(&f, r.started_at_us));
  f = field(v, kOutcome), check(avro_value_set_enum(&f, r.outcome >= 0 && r.outcome <= 2 ? r.outcome : WP_OUTCOME_UNKNOWN));
  f = field(v, kErrorKind);
  {
    bool present = r.error_kind != WP_ERR_NONE;
    avro_value_t b = branch(&f, present);
    if (present) {
      const char* name = wp_error_kind_name(r.error_kind);
      check(avro_value_set_string_len(&b, name, std::char_traits<char>::length(name) + 1));
    }
  }
  f = field(v, kErrorMessage), set_optional_text(&f, r.error_message);
  f = field(v, kHttpStatus), set_optional_int(&f, r.http_status, r.http_status != 0);
  f = field(v, kTimings);
  const int64_t phases[] = {r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us};
  for (int i = 0; i < 5; ++i) {
    avro_value_t p = field(&f, i);
    set_optional_long(&p, phases[i], phases[i] >= 0);
  }
  f = field(v, kBytesReceived), check(avro_value_set_long(&f, static_cast<int64_t>(r.bytes_received)));
  f = field(v, kResolvedIp), set_optional_text(&f, r.resolved_ip);
  f = field(v, kIpFamily), set_optional_int(&f, r.ip_family, r.ip_family != 0);
  f = field(v, kTlsDaysLeft), set_optional_int(&f, r.tls_days_left, r.tls_days_left != INT32_MIN);
  f = field(v, kAttempts), check(avro_value_set_int(&f, static_cast<int32_t>(r.attempts)));
  f = field(v, kRedirects), check(avro_value_set_int(&f, r.redirects));
  f = field(v, kVerdicts);
  const char* verdicts = reinterpret_cast<const char*>(r.verdicts);
  for (size_t i = 0; i < r.verdict_count; ++i) {
    const auto* verdict = reinterpret_cast<const wp_verdict_view*>(verdicts + i * r.verdicts[0].struct_size);
    avro_value_t element, part;
    check(avro_value_append(&f, &element, nullptr));
    part = field(&element, 0), set_text(&part, verdict->evaluator);
    // The record's pass is 1 pass, 0 fail, -1 undecided; the enum's symbols are pass, fail, undecided.
    part = field(&element, 1), check(avro_value_set_enum(&part, verdict->pass == 1 ? 0 : verdict->pass == 0 ? 1 : 2));
    part = field(&element, 2), set_text(&part, verdict->message);
  }
  f = field(v, kRegion), set_optional_text(&f, wp_result_region(&r));
  f = field(v, kMaintenanceWindow), set_optional_text(&f, wp_result_maintenance(&r));

  for (;;) {
    avro_writer_memory_set_dest(writer_.get(), buffer_.data(), static_cast<int64_t>(buffer_.size()));
    if (avro_value_write(writer_.get(), v) == 0) break;
    size_t needed = 0;  // rare: a result larger than the buffer; size it and write again
    check(avro_value_sizeof(v, &needed));
    if (needed <= buffer_.size()) check(EINVAL);
    buffer_.resize(needed);
  }
  out.append(buffer_.data(), static_cast<size_t>(avro_writer_tell(writer_.get())));
}

}  // namespace watchpost::avro
