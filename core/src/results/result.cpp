#include "result.hpp"

namespace watchpost {
namespace {

wp_str s(const std::string& v) { return wp_str{v.data(), v.size()}; }
std::string owned(wp_str v) { return v.data ? std::string(v.data, v.size) : std::string(); }

}  // namespace

std::string_view error_kind_name(int32_t kind) { return wp_error_kind_name(kind); }

std::string_view outcome_name(int32_t outcome) {
  switch (outcome) {
    case WP_OUTCOME_UP: return "up";
    case WP_OUTCOME_DOWN: return "down";
    default: return "unknown";
  }
}

Result result_from_c(const wp_result& raw) {
  Result r;
  r.result_id = owned(raw.result_id);
  r.target_id = owned(raw.target_id);
  r.pipeline = owned(raw.pipeline);
  r.url = owned(raw.url);
  r.node = owned(raw.node);
  r.region = owned(region_of(raw));
  r.maintenance_window = owned(wp_result_maintenance(&raw));
  auto labels = std::make_shared<Labels>();
  for (size_t i = 0; i < raw.label_count; ++i)
    labels->emplace_back(owned(raw.labels[i].key), owned(raw.labels[i].value));
  r.labels = std::move(labels);
  r.scheduled_at_us = raw.scheduled_at_us;
  r.started_at_us = raw.started_at_us;
  r.dns_us = raw.dns_us;
  r.connect_us = raw.connect_us;
  r.tls_us = raw.tls_us;
  r.first_byte_us = raw.first_byte_us;
  r.total_us = raw.total_us;
  r.http_status = raw.http_status;
  r.bytes_received = raw.bytes_received;
  r.outcome = raw.outcome;
  r.error_kind = raw.error_kind;
  r.error_message = owned(raw.error_message);
  r.resolved_ip = owned(raw.resolved_ip);
  r.ip_family = raw.ip_family;
  r.tls_days_left = raw.tls_days_left;
  r.attempts = raw.attempts;
  r.redirects = raw.redirects;
  if (raw.verdict_count > 0) {
    const char* base = reinterpret_cast<const char*>(raw.verdicts);
    size_t stride = raw.verdicts[0].struct_size;
    for (size_t i = 0; i < raw.verdict_count; ++i) {
      auto* v = reinterpret_cast<const wp_verdict_view*>(base + i * stride);
      r.verdicts.push_back({owned(v->evaluator), v->pass, owned(v->message)});
    }
  }
  return r;
}

ResultViews::ResultViews(const std::vector<ResultPtr>& results, bool with_body) {
  size_t labels = 0, verdicts = 0, headers = 0;
  for (auto& r : results) {
    labels += r->labels ? r->labels->size() : 0;
    verdicts += r->verdicts.size();
    headers += with_body ? r->headers.size() : 0;
  }
  // Reserved up front: the views point into these vectors, so they must never reallocate.
  results_.reserve(results.size());
  labels_.reserve(labels);
  verdicts_.reserve(verdicts);
  headers_.reserve(headers);
  for (auto& r : results) add(*r, with_body);
}

ResultViews::ResultViews(const Result& r, bool with_body) {
  results_.reserve(1);
  labels_.reserve(r.labels ? r.labels->size() : 0);
  verdicts_.reserve(r.verdicts.size());
  headers_.reserve(with_body ? r.headers.size() : 0);
  add(r, with_body);
}

void ResultViews::add(const Result& r, bool with_body) {
  wp_result v{};
  v.struct_size = sizeof(v);
  v.result_id = s(r.result_id);
  v.target_id = s(r.target_id);
  v.pipeline = s(r.pipeline);
  v.url = s(r.url);
  v.node = s(r.node);
  v.region = s(r.region);
  v.maintenance_window = s(r.maintenance_window);
  if (r.labels && !r.labels->empty()) {
    v.labels = labels_.data() + labels_.size();
    v.label_count = r.labels->size();
    for (auto& [k, val] : *r.labels) labels_.push_back({s(k), s(val)});
  }
  v.scheduled_at_us = r.scheduled_at_us;
  v.started_at_us = r.started_at_us;
  v.dns_us = r.dns_us;
  v.connect_us = r.connect_us;
  v.tls_us = r.tls_us;
  v.first_byte_us = r.first_byte_us;
  v.total_us = r.total_us;
  v.http_status = r.http_status;
  v.bytes_received = r.bytes_received;
  v.outcome = r.outcome;
  v.error_kind = r.error_kind;
  v.error_message = s(r.error_message);
  v.resolved_ip = s(r.resolved_ip);
  v.ip_family = r.ip_family;
  v.tls_days_left = r.tls_days_left;
  v.attempts = r.attempts;
  v.redirects = r.redirects;
  if (!r.verdicts.empty()) {
    v.verdicts = verdicts_.data() + verdicts_.size();
    v.verdict_count = r.verdicts.size();
    for (auto& vr : r.verdicts) verdicts_.push_back({sizeof(wp_verdict_view), s(vr.evaluator), vr.pass, s(vr.message)});
  }
  if (with_body) {
    v.body = s(r.body);
    if (!r.headers.empty()) {
      v.headers = headers_.data() + headers_.size();
      v.header_count = r.headers.size();
      for (auto& [k, val] : r.headers) headers_.push_back({s(k), s(val)});
    }
  }
  results_.push_back(v);
}

}  // namespace watchpost
