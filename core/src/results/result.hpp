// The check result as the core owns it, and its C view for plugins.
#pragma once

#include <watchpost/plugin_api.h>

#include <climits>
#include <cstdint>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace watchpost {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct VerdictRecord {
  std::string evaluator;
  int32_t pass = 1;
  std::string message;
};

struct Result {
  std::string result_id;
  std::string target_id;
  std::string pipeline;
  std::string url;
  std::string node;
  std::string region;  // where the check ran from (config `region:`), empty when none
  std::string maintenance_window;  // the window its slot fell in (ABI 1.5): `in_maintenance`; empty: none
  std::shared_ptr<const Labels> labels;  // shared by every result of one target
  int64_t scheduled_at_us = 0;
  int64_t started_at_us = 0;
  int64_t dns_us = -1, connect_us = -1, tls_us = -1, first_byte_us = -1, total_us = -1;
  int32_t http_status = 0;
  uint64_t bytes_received = 0;
  int32_t outcome = WP_OUTCOME_UNKNOWN;
  int32_t error_kind = WP_ERR_NONE;
  std::string error_message;
  std::string resolved_ip;
  int32_t ip_family = 0;
  int32_t tls_days_left = INT32_MIN;
  int64_t tls_earliest_expiry_us = 0;  // from probes of ABI >= 1.1; not (yet) in the JSON form
  uint32_t attempts = 1;
  int32_t redirects = 0;
  std::vector<VerdictRecord> verdicts;
  std::string body;  // only until evaluators ran
  Labels headers;    // the response's (ABI 1.4), only until evaluators ran
  uint64_t ack_token = 0;  // set by source pipelines: acknowledged upstream once every sink has it
};

using ResultPtr = std::shared_ptr<const Result>;

// "dns", "timeout", ... ; "none" for WP_ERR_NONE.
std::string_view error_kind_name(int32_t kind);
std::string_view outcome_name(int32_t outcome);

// A record's region (ABI 1.2), or empty when the record is older than the field.
inline wp_str region_of(const wp_result& r) { return wp_result_region(&r); }

// Copies a C record (from a source plugin) into an owned Result.
Result result_from_c(const wp_result& raw);

// C views of a batch of results, valid while the views object and the results live.
class ResultViews {
 public:
  explicit ResultViews(const std::vector<ResultPtr>& results, bool with_body = false);
  explicit ResultViews(const Result& result, bool with_body = false);
  const wp_result* data() const { return results_.data(); }
  size_t size() const { return results_.size(); }

 private:
  void add(const Result& r, bool with_body);
  std::vector<wp_result> results_;
  std::vector<wp_label> labels_;
  std::vector<wp_label> headers_;
  std::vector<wp_verdict_view> verdicts_;
};

}  // namespace watchpost
