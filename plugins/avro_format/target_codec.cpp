#include "target_codec.hpp"

#include "datum_check.hpp"
#include "value_reading.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <climits>

namespace watchpost::avro {
namespace {

using nlohmann::json;
using namespace reading;

void check(int rc) {
  if (rc != 0) throw std::runtime_error(std::string("libavro: ") + avro_strerror());
}

avro_value_t field(avro_value_t* record, const char* name) {
  avro_value_t out;
  if (avro_value_get_by_name(record, name, &out, nullptr) != 0) throw std::logic_error(std::string("no field ") + name);
  return out;
}

void set_text(avro_value_t* v, const std::string& s) { check(avro_value_set_string_len(v, s.c_str(), s.size() + 1)); }

// A ["null", T] union set to T; the branch to fill.
avro_value_t set_present(avro_value_t* u) {
  avro_value_t b;
  check(avro_value_set_branch(u, 1, &b));
  return b;
}

void set_null(avro_value_t* u) {
  avro_value_t b;
  check(avro_value_set_branch(u, 0, &b));
  check(avro_value_set_null(&b));
}

// "30000ms", "30s", "5m", "1h" (what definitions carry) as milliseconds.
int64_t duration_ms(const json& v, const char* key) {
  if (v.is_number_integer()) return v.get<int64_t>();
  std::string s = v.is_string() ? v.get<std::string>() : std::string();
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  std::string unit = s.substr(digits);
  int64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
  if (digits == 0 || digits > 12 || scale == 0)
    throw std::invalid_argument(std::string("'") + key + "' is not a duration like 30s: " + v.dump());
  return std::stoll(s.substr(0, digits)) * scale;
}

}  // namespace

TargetEncoder::TargetEncoder()
    : schema_(parse_schema(target_schema_json())), value_(schema_.get()), writer_(avro_writer_memory(nullptr, 0)) {
  buffer_.resize(16 * 1024);
}

std::string TargetEncoder::encode(const std::string& definition_json) {
  json d = json::parse(definition_json, nullptr, false);
  if (!d.is_object()) throw std::invalid_argument("a target definition must be a JSON object");
  avro_value_t* v = value_.get();
  check(avro_value_reset(v));
  avro_value_t f = field(v, "url");
  if (!d.value("url", json()).is_string()) throw std::invalid_argument("'url' must be a string");
  set_text(&f, d["url"].get<std::string>());
  d.erase("url");
  f = field(v, "labels");
  if (d.contains("labels")) {
    if (!d["labels"].is_object()) throw std::invalid_argument("'labels' must be a mapping");
    for (auto& [k, val] : d["labels"].items()) {
      avro_value_t element;
      check(avro_value_add(&f, k.c_str(), &element, nullptr, nullptr));
      set_text(&element, val.is_string() ? val.get<std::string>() : val.dump());
    }
    d.erase("labels");
  }
  for (auto [key, column] : {std::pair<const char*, const char*>{"interval", "interval_ms"}, {"timeout", "timeout_ms"}}) {
    f = field(v, column);
    if (d.contains(key)) {
      avro_value_t b = set_present(&f);
      check(avro_value_set_long(&b, duration_ms(d[key], key)));
      d.erase(key);
    } else {
      set_null(&f);
    }
  }
  f = field(v, "attempts");
  if (d.contains("attempts") && d["attempts"].is_number_integer()) {
    avro_value_t b = set_present(&f);
    check(avro_value_set_int(&b, d["attempts"].get<int32_t>()));
    d.erase("attempts");
  } else {
    set_null(&f);
  }
  f = field(v, "method");
  if (d.contains("method") && d["method"].is_string()) {
    avro_value_t b = set_present(&f);
    set_text(&b, d["method"].get<std::string>());
    d.erase("method");
  } else {
    set_null(&f);
  }
  f = field(v, "expected_status");
  if (d.contains("expected_status") && d["expected_status"].is_array()) {
    avro_value_t list = set_present(&f);
    for (auto& code : d["expected_status"]) {
      avro_value_t element;
      check(avro_value_append(&list, &element, nullptr));
      set_text(&element, code.is_string() ? code.get<std::string>() : code.dump());
    }
    d.erase("expected_status");
  } else {
    set_null(&f);
  }
  // The catalogue's two pattern columns are its evaluators; nothing else fits the record.
  std::string patterns[2];
  bool has[2] = {false, false};
  if (d.contains("evaluate")) {
    for (auto& e : d["evaluate"]) {
      std::string mode = e.value("mode", std::string("must_match"));
      int slot = mode == "must_match" ? 0 : mode == "must_not_match" ? 1 : -1;
      if (e.value("plugin", std::string()) != "regex" || slot < 0 || has[slot] || !e.value("pattern", json()).is_string() ||
          e.size() != (e.contains("mode") ? 3u : 2u))
        throw std::invalid_argument("'evaluate' holds more than the catalogue's must_match and must_not_match patterns, "
                                    "which the Avro target record cannot carry: use format json for this catalogue");
      patterns[slot] = e["pattern"].get<std::string>();
      has[slot] = true;
    }
    d.erase("evaluate");
  }
  for (int i = 0; i < 2; ++i) {
    f = field(v, i == 0 ? "must_match" : "must_not_match");
    if (has[i]) {
      avro_value_t b = set_present(&f);
      set_text(&b, patterns[i]);
    } else {
      set_null(&f);
    }
  }
  f = field(v, "options");
  for (auto& [k, val] : d.items()) {
    avro_value_t element;
    check(avro_value_add(&f, k.c_str(), &element, nullptr, nullptr));
    set_text(&element, val.dump());
  }
  for (;;) {
    avro_writer_memory_set_dest(writer_.get(), buffer_.data(), static_cast<int64_t>(buffer_.size()));
    if (avro_value_write(writer_.get(), v) == 0) break;
    size_t needed = 0;
    check(avro_value_sizeof(v, &needed));
    if (needed <= buffer_.size()) check(EINVAL);
    buffer_.resize(needed);
  }
  return std::string(buffer_.data(), static_cast<size_t>(avro_writer_tell(writer_.get())));
}

TargetDecoder::TargetDecoder(std::string_view writer_schema_json)
    : schema_(parse_schema(writer_schema_json)), value_(schema_.get()), reader_(avro_reader_memory(nullptr, 0)) {
  avro_schema_t s = follow(schema_.get());
  // Avro resolves records of the same unqualified name only.
  if (!is_avro_record(s) || std::string(avro_schema_name(s)) != "Target" || avro_schema_record_field_get_index(s, "url") < 0)
    throw std::runtime_error("the writer's schema is not a record named Target with a 'url' field");
}

std::string TargetDecoder::decode_into(std::string_view datum, std::string& definition) {
  avro_value_t* v = value_.get();
  avro_value_reset(v);
  if (std::string why = check_datum(schema_.get(), datum); !why.empty()) return why;
  avro_reader_memory_set_source(reader_.get(), datum.data(), static_cast<int64_t>(datum.size()));
  if (avro_value_read(reader_.get(), v) != 0) return std::string("not an Avro datum of its schema: ") + avro_strerror();
  // Rebuilt as entry_definition (plugins/pg_common) builds it, so the text is the publisher's.
  try {
    auto get = [&](const char* name, avro_value_t& out) {
      return avro_value_get_by_name(v, name, &out, nullptr) == 0 && present(out);
    };
    json d = json::object();
    avro_value_t f;
    size_t count = 0;
    if (get("options", f) && avro_value_get_size(&f, &count) == 0) {
      for (size_t i = 0; i < count; ++i) {
        avro_value_t element;
        const char* key = nullptr;
        avro_value_get_by_index(&f, i, &element, &key);
        std::string_view value = text(element, "options");
        json parsed = json::parse(value.begin(), value.end(), nullptr, false);
        std::string name(key_text(key, "options"));
        if (parsed.is_discarded()) throw Bad{"option '" + name + "' is not JSON text"};
        d[name] = std::move(parsed);
      }
    }
    if (get("labels", f) && avro_value_get_size(&f, &count) == 0 && count > 0) {
      json labels = json::object();
      for (size_t i = 0; i < count; ++i) {
        avro_value_t element;
        const char* key = nullptr;
        avro_value_get_by_index(&f, i, &element, &key);
        labels[std::string(key_text(key, "labels"))] = std::string(text(element, "labels"));
      }
      d["labels"] = labels;
    }
    if (!get("url", f)) throw Bad{"'url' must not be null"};
    d["url"] = std::string(text(f, "url"));
    if (get("interval_ms", f)) d["interval"] = std::to_string(integer(f, "interval_ms", 1, INT64_MAX / 2)) + "ms";
    if (get("timeout_ms", f)) d["timeout"] = std::to_string(integer(f, "timeout_ms", 1, INT64_MAX / 2)) + "ms";
    if (get("attempts", f)) d["attempts"] = integer(f, "attempts", 1, 1000);
    if (get("method", f)) d["method"] = std::string(text(f, "method"));
    if (get("expected_status", f)) {
      if (avro_value_get_type(&f) != AVRO_ARRAY) throw Bad{"'expected_status' is not a list"};
      json codes = json::array();
      avro_value_get_size(&f, &count);
      for (size_t i = 0; i < count; ++i) {
        avro_value_t element;
        avro_value_get_by_index(&f, i, &element, nullptr);
        codes.push_back(std::string(text(element, "expected_status")));
      }
      d["expected_status"] = codes;
    }
    json evaluate = json::array();
    if (get("must_match", f))
      evaluate.push_back({{"plugin", "regex"}, {"pattern", std::string(text(f, "must_match"))}, {"mode", "must_match"}});
    if (get("must_not_match", f))
      evaluate.push_back(
          {{"plugin", "regex"}, {"pattern", std::string(text(f, "must_not_match"))}, {"mode", "must_not_match"}});
    if (!evaluate.empty()) d["evaluate"] = evaluate;
    d.erase("id");
    definition = d.dump();
  } catch (const Bad& b) {
    return b.why;
  } catch (const json::exception& e) {  // what the checks above let through: still refused, not thrown
    return std::string("not a target definition: ") + e.what();
  }
  return {};
}

}  // namespace watchpost::avro
