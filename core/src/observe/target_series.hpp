// Per-target series for /metrics, so a Prometheus user can alert on one site:
//   watchpost_target_up, watchpost_target_check_duration_seconds,
//   watchpost_target_phase_duration_seconds{phase}, watchpost_target_http_status_code,
//   watchpost_target_tls_expiry_seconds, watchpost_target_consecutive_failures,
//   watchpost_target_last_check_timestamp_seconds
// each labelled {pipeline, target}. Rendered at scrape time from what the pipelines keep
// of each target's latest result; off above a configured number of targets (a million
// targets must not become millions of series).
#pragma once

#include <climits>
#include <cstdint>
#include <string>

namespace watchpost {

struct TargetState {
  int8_t outcome = -1;          // WP_OUTCOME_*; -1 before the first result
  int32_t total_us = -1;        // -1: not reached
  int32_t dns_us = -1, connect_us = -1, tls_us = -1, first_byte_us = -1;
  int16_t http_status = 0;
  int32_t tls_days_left = INT32_MIN;
  uint32_t consecutive_failures = 0;
  int64_t last_scheduled_ms = 0;
};

class TargetSeries {
 public:
  void add(const std::string& pipeline, const std::string& target, const TargetState& s);
  // Every family with its HELP and TYPE lines, samples grouped by family as the format asks.
  std::string render() const;
  size_t targets() const { return targets_; }

 private:
  std::string up_, duration_, phase_, status_, tls_, failures_, last_;
  size_t targets_ = 0;
};

}  // namespace watchpost
