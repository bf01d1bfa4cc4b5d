#include "result_decoder.hpp"

#include "datum_check.hpp"
#include "value_reading.hpp"

#include <watchpost/result_limits.hpp>
#include <watchpost/utf8.hpp>

#include <nlohmann/json.hpp>

#include <climits>

namespace watchpost::avro {
namespace {

using namespace reading;

// What a field of the current schema holds. The Opt kinds are ["null", T] with a null default.
enum class Kind { Text, Int, Long, Outcome, Labels, Timings, Verdicts, OptText, OptInt, OptLong };

struct FieldRule {
  const char* name;
  Kind kind;
};

// The current schema (docs/avro/result-v3.avsc), in its order. A field without an Opt kind has
// no default, so a writer schema without it cannot be read.
const FieldRule kFields[] = {
    {"result_id", Kind::Text},       {"target_id", Kind::Text},       {"pipeline", Kind::Text},
    {"url", Kind::Text},             {"node", Kind::Text},            {"labels", Kind::Labels},
    {"scheduled_at", Kind::Long},    {"started_at", Kind::Long},      {"outcome", Kind::Outcome},
    {"error_kind", Kind::OptText},   {"error_message", Kind::OptText}, {"http_status", Kind::OptInt},
    {"timings_us", Kind::Timings},   {"bytes_received", Kind::Long},  {"resolved_ip", Kind::OptText},
    {"ip_family", Kind::OptInt},     {"tls_days_left", Kind::OptInt}, {"attempts", Kind::Int},
    {"redirects", Kind::Int},        {"verdicts", Kind::Verdicts},    {"region", Kind::OptText},
    {"maintenance_window", Kind::OptText},
};
constexpr size_t kFieldCount = sizeof kFields / sizeof kFields[0];
const char* const kPhases[] = {"dns", "connect", "tls", "first_byte", "total"};
const char* const kVerdictFields[] = {"evaluator", "pass", "message"};

// The first time 2200-01-01T00:00:00Z refuses (docs/result-format.md's bounds).
constexpr int64_t kEndOfTimeUs = 7'258'118'400'000'000;

bool optional(Kind k) { return k == Kind::OptText || k == Kind::OptInt || k == Kind::OptLong; }

// Whether a writer's type can be read as `kind` (Avro's promotions: int to long, string and
// bytes either way). A union is read when one of its branches is; its null branch is refused
// per datum when the field is not optional.
bool readable(Kind kind, avro_schema_t w) {
  w = follow(w);
  if (is_avro_union(w)) {
    for (size_t i = 0; i < avro_schema_union_size(w); ++i) {
      avro_schema_t b = follow(avro_schema_union_branch(w, static_cast<int>(i)));
      if (!is_avro_null(b) && readable(kind, b)) return true;
    }
    return false;
  }
  switch (kind) {
    case Kind::Text:
    case Kind::OptText: return is_avro_string(w) || is_avro_bytes(w);
    case Kind::Int:
    case Kind::OptInt: return is_avro_int32(w);
    case Kind::Long:
    case Kind::OptLong: return is_avro_int32(w) || is_avro_int64(w);
    case Kind::Outcome: return is_avro_enum(w);
    case Kind::Labels: return is_avro_map(w) && readable(Kind::Text, avro_schema_map_values(w));
    case Kind::Timings: return is_avro_record(w);
    case Kind::Verdicts: return is_avro_array(w) && is_avro_record(follow(avro_schema_array_items(w)));
  }
  return false;
}

// A record (or a union holding one) as the record schema.
avro_schema_t record_of(avro_schema_t w) {
  w = follow(w);
  if (is_avro_union(w))
    for (size_t i = 0; i < avro_schema_union_size(w); ++i) {
      avro_schema_t b = follow(avro_schema_union_branch(w, static_cast<int>(i)));
      if (is_avro_record(b)) return b;
    }
  if (is_avro_array(w)) return follow(avro_schema_array_items(w));
  return w;
}

// Avro's logical types are in the JSON text only (libavro keeps none): a time written as
// milliseconds would be read as microseconds, so anything but timestamp-micros is refused.
void check_time_types(std::string_view writer_json) {
  nlohmann::json j = nlohmann::json::parse(writer_json.begin(), writer_json.end(), nullptr, false);
  if (!j.is_object() || !j.contains("fields") || !j["fields"].is_array()) return;
  for (auto& f : j["fields"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) continue;
    std::string name = f["name"];
    if (name != "scheduled_at" && name != "started_at") continue;
    auto t = f.value("type", nlohmann::json());
    std::string logical = t.is_object() ? t.value("logicalType", std::string()) : std::string();
    if (!logical.empty() && logical != "timestamp-micros")
      throw IncompatibleSchema("field '" + name + "' is " + logical + "; the result's times are timestamp-micros");
  }
}

}  // namespace

struct ResultDecoder::Plan {
  int field[kFieldCount];  // the writer's index of each current field, -1 when it has none
  int phase[5];
  int verdict[3];
};

namespace {

std::unique_ptr<ResultDecoder::Plan> make_plan(avro_schema_t writer, std::string_view writer_json) {
  writer = follow(writer);
  if (!is_avro_record(writer)) throw IncompatibleSchema("the writer's schema is not a record");
  // Avro resolves records of the same unqualified name only.
  if (std::string(avro_schema_name(writer)) != "Result")
    throw IncompatibleSchema(std::string("the writer's record is named ") + avro_schema_name(writer) + ", not Result");
  check_time_types(writer_json);
  auto plan = std::make_unique<ResultDecoder::Plan>();
  for (size_t i = 0; i < kFieldCount; ++i) {
    const FieldRule& rule = kFields[i];
    int at = avro_schema_record_field_get_index(writer, rule.name);
    plan->field[i] = at;
    if (at < 0) {
      if (!optional(rule.kind)) throw IncompatibleSchema(std::string("field '") + rule.name + "' is missing and has no default");
      continue;
    }
    avro_schema_t w = avro_schema_record_field_get_by_index(writer, at);
    if (!readable(rule.kind, w))
      throw IncompatibleSchema(std::string("field '") + rule.name + "' is " + avro_schema_type_name(follow(w)) +
                               ", which cannot be read as the current schema's type");
    if (rule.kind == Kind::Timings) {
      avro_schema_t t = record_of(w);
      for (int p = 0; p < 5; ++p) {
        plan->phase[p] = avro_schema_record_field_get_index(t, kPhases[p]);
        if (plan->phase[p] >= 0 && !readable(Kind::OptLong, avro_schema_record_field_get_by_index(t, plan->phase[p])))
          throw IncompatibleSchema(std::string("field 'timings_us.") + kPhases[p] + "' is not a long");
      }
    }
    if (rule.kind == Kind::Verdicts) {
      avro_schema_t v = record_of(w);
      const Kind kinds[] = {Kind::Text, Kind::Outcome, Kind::Text};
      for (int p = 0; p < 3; ++p) {
        plan->verdict[p] = avro_schema_record_field_get_index(v, kVerdictFields[p]);
        if (plan->verdict[p] < 0 || !readable(kinds[p], avro_schema_record_field_get_by_index(v, plan->verdict[p])))
          throw IncompatibleSchema(std::string("field 'verdicts.") + kVerdictFields[p] + "' is missing or of another type");
      }
    }
  }
  return plan;
}

avro_value_t child(avro_value_t* parent, int index) {
  avro_value_t out;
  avro_value_get_by_index(parent, static_cast<size_t>(index), &out, nullptr);
  return out;
}

// An enum's symbol by name, so a writer may order its symbols differently.
int symbol(avro_value_t v, const char* name, const char* const* symbols, int count) {
  if (!present(v)) throw Bad{std::string("'") + name + "' must not be null"};
  if (avro_value_get_type(&v) != AVRO_ENUM) throw Bad{std::string("'") + name + "' is not an enum"};
  int index = 0;
  avro_value_get_enum(&v, &index);
  avro_schema_t schema = follow(avro_value_get_schema(&v));
  // libavro reads whatever index a datum holds; its symbol lookup does not check the bounds.
  if (index < 0 || index >= avro_schema_enum_number_of_symbols(schema))
    throw Bad{std::string("'") + name + "' has no symbol " + std::to_string(index)};
  const char* s = avro_schema_enum_get(schema, index);
  for (int i = 0; s && i < count; ++i)
    if (std::string_view(s) == symbols[i]) return i;
  throw Bad{std::string("'") + name + "' has the unknown symbol '" + (s ? s : "?") + "'"};
}

wp_str str(std::string_view s) { return {s.data(), s.size()}; }

void too_long(const char* name, size_t limit) {
  throw Bad{std::string("'") + name + "' is longer than " + std::to_string(limit) + " bytes"};
}

}  // namespace

ResultDecoder::ResultDecoder(std::string_view writer_schema_json)
    : writer_schema_(parse_schema(writer_schema_json)),
      plan_(make_plan(writer_schema_.get(), writer_schema_json)),
      value_(writer_schema_.get()),
      reader_(avro_reader_memory(nullptr, 0)) {}

ResultDecoder::~ResultDecoder() = default;

std::string ResultDecoder::decode(std::string_view datum, const std::function<void(const wp_result&)>& fn) {
  avro_value_t* v = value_.get();
  avro_value_reset(v);
  if (std::string why = check_datum(writer_schema_.get(), datum); !why.empty()) return why;
  avro_reader_memory_set_source(reader_.get(), datum.data(), static_cast<int64_t>(datum.size()));
  if (avro_value_read(reader_.get(), v) != 0) return std::string("not an Avro datum of its schema: ") + avro_strerror();
  wp_result r{};
  r.struct_size = sizeof r;
  r.tls_days_left = INT32_MIN;
  r.dns_us = r.connect_us = r.tls_us = r.first_byte_us = r.total_us = -1;
  labels_.clear();
  verdicts_.clear();
  try {
    auto at = [&](int i) { return child(v, plan_->field[i]); };
    auto has = [&](int i) { return plan_->field[i] >= 0; };
    std::string_view id = text(at(0), "result_id");
    bool ulid = id.size() == 26;
    for (char c : id)
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || c == 'I' || c == 'L' || c == 'O' || c == 'U') ulid = false;
    if (!ulid) throw Bad{"'result_id' must be a 26-character ULID"};
    r.result_id = str(id);
    r.target_id = str(text(at(1), "target_id"));
    if (r.target_id.size == 0) throw Bad{"'target_id' must not be empty"};
    if (r.target_id.size > limits::kIdBytes) too_long("target_id", limits::kIdBytes);
    r.pipeline = str(text(at(2), "pipeline"));
    r.url = str(text(at(3), "url"));
    if (r.url.size > limits::kUrlBytes) too_long("url", limits::kUrlBytes);
    r.node = str(text(at(4), "node"));
    avro_value_t labels = at(5);
    size_t count = 0;
    if (present(labels)) avro_value_get_size(&labels, &count);
    if (count > limits::kLabels) throw Bad{"more than " + std::to_string(limits::kLabels) + " labels"};
    for (size_t i = 0; i < count; ++i) {
      avro_value_t value;
      const char* key = nullptr;
      avro_value_get_by_index(&labels, i, &value, &key);
      std::string_view k = key_text(key, "labels");
      std::string_view val = text(value, "labels");
      if (k.size() > limits::kLabelKeyBytes || val.size() > limits::kLabelValueBytes)
        throw Bad{"a label is longer than " + std::to_string(limits::kLabelKeyBytes) + " bytes (name) or " +
                  std::to_string(limits::kLabelValueBytes) + " bytes (value)"};
      labels_.push_back({str(k), str(val)});
    }
    r.labels = labels_.data();
    r.label_count = labels_.size();
    r.scheduled_at_us = integer(at(6), "scheduled_at", 0, kEndOfTimeUs - 1);
    r.started_at_us = integer(at(7), "started_at", 0, kEndOfTimeUs - 1);
    static const char* const outcomes[] = {"up", "down", "unknown"};
    r.outcome = symbol(at(8), "outcome", outcomes, 3);
    if (has(9)) {
      avro_value_t kind = at(9);
      if (present(kind)) {
        std::string_view name = text(kind, "error_kind");
        r.error_kind = -1;
        for (int32_t k = 1; k < WP_ERR_KIND_COUNT; ++k)
          if (name == wp_error_kind_name(k)) r.error_kind = k;
        if (r.error_kind < 0) throw Bad{"unknown error_kind '" + std::string(name) + "'"};
      }
    }
    if (has(10)) {
      avro_value_t m = at(10);
      if (present(m)) r.error_message = str(text(m, "error_message"));
      if (r.error_message.size > limits::kMessageBytes) too_long("error_message", limits::kMessageBytes);
    }
    if (has(11)) {
      avro_value_t s = at(11);
      if (present(s)) r.http_status = static_cast<int32_t>(integer(s, "http_status", 100, 599));
    }
    avro_value_t timings = at(12);
    if (present(timings)) {
      int64_t* phases[] = {&r.dns_us, &r.connect_us, &r.tls_us, &r.first_byte_us, &r.total_us};
      for (int p = 0; p < 5; ++p) {
        if (plan_->phase[p] < 0) continue;
        avro_value_t d = child(&timings, plan_->phase[p]);
        if (present(d)) *phases[p] = integer(d, kPhases[p], 0, INT64_MAX);
      }
    }
    r.bytes_received = static_cast<uint64_t>(integer(at(13), "bytes_received", 0, INT64_MAX));
    if (has(14)) {
      avro_value_t ip = at(14);
      if (present(ip)) r.resolved_ip = str(text(ip, "resolved_ip"));
    }
    if (has(15)) {
      avro_value_t family = at(15);
      if (present(family)) r.ip_family = static_cast<int32_t>(integer(family, "ip_family", 4, 6));
      if (r.ip_family == 5) throw Bad{"'ip_family' must be 4 or 6"};
    }
    if (has(16)) {
      avro_value_t days = at(16);
      if (present(days)) r.tls_days_left = static_cast<int32_t>(integer(days, "tls_days_left", -100000, 100000));
    }
    r.attempts = static_cast<uint32_t>(integer(at(17), "attempts", 1, 1000));
    r.redirects = static_cast<int32_t>(integer(at(18), "redirects", 0, 1000));
    avro_value_t verdicts = at(19);
    count = 0;
    if (present(verdicts)) avro_value_get_size(&verdicts, &count);
    static const char* const passes[] = {"pass", "fail", "undecided"};
    for (size_t i = 0; i < count; ++i) {
      avro_value_t item;
      avro_value_get_by_index(&verdicts, i, &item, nullptr);
      if (!present(item)) throw Bad{"a verdict must not be null"};
      wp_verdict_view vv{};
      vv.struct_size = sizeof vv;
      vv.evaluator = str(text(child(&item, plan_->verdict[0]), "verdicts.evaluator"));
      int pass = symbol(child(&item, plan_->verdict[1]), "verdicts.pass", passes, 3);
      vv.pass = pass == 0 ? 1 : pass == 1 ? 0 : -1;
      vv.message = str(text(child(&item, plan_->verdict[2]), "verdicts.message"));
      verdicts_.push_back(vv);
    }
    r.verdicts = verdicts_.empty() ? nullptr : verdicts_.data();
    r.verdict_count = verdicts_.size();
    if (has(20)) {
      avro_value_t region = at(20);
      if (present(region)) r.region = str(text(region, "region"));
      if (r.region.size > limits::kIdBytes) too_long("region", limits::kIdBytes);
    }
    if (has(21)) {
      avro_value_t window = at(21);
      if (present(window)) r.maintenance_window = str(text(window, "maintenance_window"));
      if (r.maintenance_window.size > limits::kIdBytes) too_long("maintenance_window", limits::kIdBytes);
    }
  } catch (const Bad& b) {
    return b.why;
  }
  fn(r);
  return {};
}

}  // namespace watchpost::avro
