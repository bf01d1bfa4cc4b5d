#include "result_json_decode.hpp"

#include <watchpost/result_limits.hpp>

#include "result_json.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace watchpost {

using nlohmann::json;

namespace {

struct Bad {
  std::string why;
};

// The member, or nullptr when absent (or null where null is allowed). A null where the schema
// does not allow one is an error, as is a missing required member.
const json* member(const json& j, const char* name, bool required, bool allow_null = false) {
  auto it = j.find(name);
  if (it == j.end()) {
    if (required) throw Bad{std::string("missing '") + name + "'"};
    return nullptr;
  }
  if (it->is_null()) {
    if (allow_null && !required) return nullptr;
    throw Bad{std::string("'") + name + "' must not be null"};
  }
  return &*it;
}

std::string text(const json& j, const char* name, bool required, bool allow_null = false) {
  const json* v = member(j, name, required, allow_null);
  if (!v) return {};
  if (!v->is_string()) throw Bad{std::string("'") + name + "' must be a string"};
  return v->get<std::string>();
}

int64_t integer(const json& j, const char* name, int64_t fallback, int64_t lo, int64_t hi, bool allow_null) {
  const json* v = member(j, name, false, allow_null);
  if (!v) return fallback;
  if (!v->is_number_integer()) throw Bad{std::string("'") + name + "' must be an integer"};
  int64_t n = v->get<int64_t>();
  if (n < lo || n > hi) throw Bad{std::string("'") + name + "' is out of range"};
  return n;
}

int64_t timestamp(const json& j, const char* name, bool required) {
  std::string t = text(j, name, required);
  if (t.empty() && !required) return 0;
  int64_t us = 0;
  if (!parse_rfc3339_us(t, us)) throw Bad{std::string("'") + name + "' is not an RFC 3339 UTC time: " + t};
  return us;
}

int32_t error_kind_from(const std::string& name) {
  for (int32_t k = 1; k < WP_ERR_KIND_COUNT; ++k)
    if (name == wp_error_kind_name(k)) return k;
  throw Bad{"unknown error_kind '" + name + "'"};
}

}  // namespace

bool parse_rfc3339_us(std::string_view t, int64_t& out) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
  auto digits = [&](size_t at, size_t n, int& v) {
    if (at + n > t.size()) return false;
    v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    return true;
  };
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (t.size() < 20 || !digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
      (t[10] != 'T' && t[10] != 't') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
      !digits(17, 2, s))
    return false;
  // Check results are not from before the epoch; refusing them keeps every accepted time
  // representable in what we write back.
  if (y < limits::kFirstYear || y > limits::kLastYear || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  size_t i = 19;
  int64_t frac = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int n = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (n < 6) frac = frac * 10 + (t[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return false;
    for (; n < 6; ++n) frac *= 10;
  }
  if (i + 1 != t.size() || (t[i] != 'Z' && t[i] != 'z')) return false;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  out = static_cast<int64_t>(timegm(&tm)) * 1'000'000 + frac;
  return true;
}

std::string decode_result_json(std::string_view input, Result& r) {
  json j = json::parse(input.begin(), input.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return "not valid JSON";
  if (!j.is_object()) return "not a JSON object";
  try {
    const json& version = *member(j, "schema_version", true);
    if (!version.is_number_integer()) throw Bad{"'schema_version' must be an integer"};
    if (version.get<int64_t>() != kResultSchemaVersion)
      throw Bad{"unknown schema_version " + version.dump() + " (this watchpost reads " +
                std::to_string(kResultSchemaVersion) + ")"};
    r.result_id = text(j, "result_id", true);
    if (r.result_id.size() != 26) throw Bad{"'result_id' must be a 26-character ULID"};
    for (char c : r.result_id)
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || c == 'I' || c == 'L' || c == 'O' || c == 'U')
        throw Bad{"'result_id' must be a 26-character ULID"};
    r.target_id = text(j, "target_id", true);
    if (r.target_id.empty()) throw Bad{"'target_id' must not be empty"};
    if (r.target_id.size() > limits::kIdBytes)
      throw Bad{"'target_id' is longer than " + std::to_string(limits::kIdBytes) + " bytes"};
    r.pipeline = text(j, "pipeline", false);
    r.url = text(j, "url", false);
    if (r.url.size() > limits::kUrlBytes) throw Bad{"'url' is longer than " + std::to_string(limits::kUrlBytes) + " bytes"};
    r.node = text(j, "node", false);
    r.region = text(j, "region", false);
    if (r.region.size() > limits::kIdBytes)
      throw Bad{"'region' is longer than " + std::to_string(limits::kIdBytes) + " bytes"};
    r.maintenance_window = text(j, "maintenance_window", false);
    if (r.maintenance_window.size() > limits::kIdBytes)
      throw Bad{"'maintenance_window' is longer than " + std::to_string(limits::kIdBytes) + " bytes"};
    if (const json* in = member(j, "in_maintenance", false)) {
      if (!in->is_boolean()) throw Bad{"'in_maintenance' must be true or false"};
      if (in->get<bool>() != !r.maintenance_window.empty())
        throw Bad{"'in_maintenance' is true exactly when 'maintenance_window' names the window"};
    }
    auto labels = std::make_shared<Labels>();
    if (const json* lj = member(j, "labels", false)) {
      if (!lj->is_object()) throw Bad{"'labels' must be an object"};
      if (lj->size() > limits::kLabels) throw Bad{"more than " + std::to_string(limits::kLabels) + " labels"};
      for (auto& [k, v] : lj->items()) {
        if (!v.is_string()) throw Bad{"label '" + k + "' must be a string"};
        if (k.size() > limits::kLabelKeyBytes || v.get_ref<const std::string&>().size() > limits::kLabelValueBytes)
          throw Bad{"a label is longer than " + std::to_string(limits::kLabelKeyBytes) + " bytes (name) or " +
                    std::to_string(limits::kLabelValueBytes) + " bytes (value)"};
        labels->emplace_back(k, v.get<std::string>());
      }
    }
    r.labels = std::move(labels);
    r.scheduled_at_us = timestamp(j, "scheduled_at", true);
    r.started_at_us = timestamp(j, "started_at", false);
    std::string outcome = text(j, "outcome", true);
    if (outcome == "up") r.outcome = WP_OUTCOME_UP;
    else if (outcome == "down") r.outcome = WP_OUTCOME_DOWN;
    else if (outcome == "unknown") r.outcome = WP_OUTCOME_UNKNOWN;
    else throw Bad{"'outcome' must be up, down or unknown"};
    std::string kind = text(j, "error_kind", false, true);
    r.error_kind = kind.empty() ? WP_ERR_NONE : error_kind_from(kind);
    r.error_message = text(j, "error_message", false, true);
    if (r.error_message.size() > limits::kMessageBytes)
      throw Bad{"'error_message' is longer than " + std::to_string(limits::kMessageBytes) + " bytes"};
    r.http_status = static_cast<int32_t>(integer(j, "http_status", 0, 100, 599, true));
    if (const json* timings = member(j, "timings_us", false)) {
      if (!timings->is_object()) throw Bad{"'timings_us' must be an object"};
      r.dns_us = integer(*timings, "dns", -1, 0, INT64_MAX, true);
      r.connect_us = integer(*timings, "connect", -1, 0, INT64_MAX, true);
      r.tls_us = integer(*timings, "tls", -1, 0, INT64_MAX, true);
      r.first_byte_us = integer(*timings, "first_byte", -1, 0, INT64_MAX, true);
      r.total_us = integer(*timings, "total", -1, 0, INT64_MAX, true);
    }
    r.bytes_received = static_cast<uint64_t>(integer(j, "bytes_received", 0, 0, INT64_MAX, false));
    r.resolved_ip = text(j, "resolved_ip", false, true);
    int64_t family = integer(j, "ip_family", 0, 4, 6, true);
    if (family != 0 && family != 4 && family != 6) throw Bad{"'ip_family' must be 4 or 6"};
    r.ip_family = static_cast<int32_t>(family);
    r.tls_days_left = static_cast<int32_t>(integer(j, "tls_days_left", INT32_MIN, -100000, 100000, true));
    r.attempts = static_cast<uint32_t>(integer(j, "attempts", 1, 1, 1000, false));
    r.redirects = static_cast<int32_t>(integer(j, "redirects", 0, 0, 1000, false));
    if (const json* verdicts = member(j, "verdicts", false)) {
      if (!verdicts->is_array()) throw Bad{"'verdicts' must be an array"};
      for (auto& v : *verdicts) {
        if (!v.is_object()) throw Bad{"each verdict must be an object"};
        VerdictRecord vr;
        vr.evaluator = text(v, "evaluator", true);
        std::string pass = text(v, "pass", true);
        vr.pass = pass == "pass" ? 1 : pass == "fail" ? 0 : pass == "undecided" ? -1 : 2;
        if (vr.pass == 2) throw Bad{"a verdict's 'pass' must be pass, fail or undecided"};
        vr.message = text(v, "message", false);
        r.verdicts.push_back(std::move(vr));
      }
    }
  } catch (const Bad& b) {
    return b.why;
  } catch (const json::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace watchpost
