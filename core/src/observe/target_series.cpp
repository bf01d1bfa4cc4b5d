#include "target_series.hpp"

#include "prometheus_text.hpp"

#include <watchpost/plugin_api.h>

#include <charconv>
#include <climits>

namespace watchpost {
namespace {

// A label value as the text format wants it: backslash, double quote and newline escaped.
void append_label(std::string& out, const char* name, const std::string& value) {
  out += name;
  out += "=\"";
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  out += '"';
}

void sample(std::string& out, const char* family, const std::string& labels, double value,
            const char* extra_label = nullptr, const char* extra_value = nullptr) {
  out += family;
  out += '{';
  out += labels;
  if (extra_label) {
    out += ',';
    out += extra_label;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += "} ";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
  out += '\n';
}

}  // namespace

void TargetSeries::add(const std::string& pipeline, const std::string& target, const TargetState& s) {
  ++targets_;
  if (s.outcome < 0) return;  // never checked yet: nothing to say
  std::string labels;
  append_label(labels, "pipeline", pipeline);
  labels += ',';
  append_label(labels, "target", target);
  // Unknown (watchpost could not tell) is neither up nor down: no sample, no false alert.
  if (s.outcome == WP_OUTCOME_UP || s.outcome == WP_OUTCOME_DOWN)
    sample(up_, "watchpost_target_up", labels, s.outcome == WP_OUTCOME_UP ? 1 : 0);
  if (s.total_us >= 0) sample(duration_, "watchpost_target_check_duration_seconds", labels, s.total_us / 1e6);
  const std::pair<const char*, int32_t> phases[] = {
      {"dns", s.dns_us}, {"connect", s.connect_us}, {"tls", s.tls_us}, {"first_byte", s.first_byte_us}};
  for (auto& [phase, us] : phases)
    if (us >= 0) sample(phase_, "watchpost_target_phase_duration_seconds", labels, us / 1e6, "phase", phase);
  if (s.http_status > 0) sample(status_, "watchpost_target_http_status_code", labels, s.http_status);
  if (s.tls_days_left != INT32_MIN)
    sample(tls_, "watchpost_target_tls_expiry_seconds", labels, static_cast<double>(s.tls_days_left) * 86400);
  sample(failures_, "watchpost_target_consecutive_failures", labels, s.consecutive_failures);
  sample(last_, "watchpost_target_last_check_timestamp_seconds", labels, s.last_scheduled_ms / 1000.0);
}

std::string TargetSeries::render() const {
  std::string out;
  auto family = [&](const char* name, const char* help, const std::string& samples) {
    if (samples.empty()) return;
    family_header(out, name, help);
    out += samples;
  };
  family("watchpost_target_up", "1 when the target's latest check was up, 0 when down (no sample when unknown)", up_);
  family("watchpost_target_check_duration_seconds", "Total duration of the target's latest check", duration_);
  family("watchpost_target_phase_duration_seconds", "Duration of each phase of the target's latest check", phase_);
  family("watchpost_target_http_status_code", "HTTP status of the target's latest check", status_);
  family("watchpost_target_tls_expiry_seconds", "Time until the target's TLS certificate expires (whole days)", tls_);
  family("watchpost_target_consecutive_failures", "Checks in a row that were down (unknown results neither break nor extend the run)", failures_);
  family("watchpost_target_last_check_timestamp_seconds", "Scheduled time of the target's latest check", last_);
  return out;
}

}  // namespace watchpost
