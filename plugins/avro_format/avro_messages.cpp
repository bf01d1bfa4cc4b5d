#include "avro_messages.hpp"

#include "confluent_framing.hpp"
#include "result_schema.hpp"

#include <fstream>
#include <sstream>

namespace watchpost::avro {
namespace {

constexpr auto kRegistryRetry = std::chrono::seconds(2);

std::string read_schema_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OptionError("avro_schema", "cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The writer's schema a reader assumes without a registry: the file, or the current one.
std::string writer_schema(const Options& o) {
  return o.has("avro_schema") && !o.string("avro_schema").empty() ? read_schema_file(o.string("avro_schema"))
                                                                   : result_schema_json();
}

std::chrono::milliseconds registry_timeout(const Options& o) {
  return std::chrono::milliseconds(o.integer("schema_registry_timeout", 5000));
}

}  // namespace

std::vector<wp_option_spec> avro_option_specs(bool reading) {
  std::vector<wp_option_spec> specs = {
      option("avro_framing", WP_OPT_STRING, "confluent",
             "format avro: confluent (magic byte, schema id, datum) or plain (the datum alone)", "confluent|plain"),
      option("schema_registry", WP_OPT_STRING, nullptr,
             "format avro, confluent framing: the schema registry's URL (ids registered as <topic>-value, fetched by id)"),
      option("schema_id", WP_OPT_INT, nullptr, "format avro, confluent framing: a fixed schema id instead of a registry"),
      option("schema_registry_timeout", WP_OPT_DURATION, "5s", "How long one request to the schema registry may take"),
  };
  if (reading)
    specs.push_back(option("avro_schema", WP_OPT_STRING, nullptr,
                           "format avro: the writers' schema file (.avsc) for plain framing or a fixed schema_id; "
                           "unset: the current result schema"));
  return specs;
}

void validate_avro_options(const Options& o, bool reading) {
  bool framed = o.string("avro_framing", "confluent") == "confluent";
  bool registry = o.has("schema_registry") && !o.string("schema_registry").empty();
  bool fixed = o.has("schema_id");
  if (framed && registry == fixed)
    throw OptionError(registry ? "schema_id" : "schema_registry",
                      "confluent framing needs exactly one of schema_registry (a URL) or schema_id");
  if (!framed && (registry || fixed))
    throw OptionError(registry ? "schema_registry" : "schema_id", "plain framing carries no schema id: remove it");
  if (fixed && (o.integer("schema_id") < 0 || o.integer("schema_id") > INT32_MAX))
    throw OptionError("schema_id", "must be between 0 and 2147483647");
  if (registry) {
    std::string url = o.string("schema_registry");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      throw OptionError("schema_registry", "must be an http:// or https:// URL");
  }
  if (reading) {
    try {
      ResultDecoder check(writer_schema(o));
    } catch (const OptionError&) {
      throw;
    } catch (const std::exception& e) {
      throw OptionError("avro_schema", e.what());
    }
  }
}

AvroMessageWriter::AvroMessageWriter(const Options& o, const std::string& topic)
    : framed_(o.string("avro_framing", "confluent") == "confluent"), subject_(topic + "-value") {
  if (o.has("schema_id")) id_ = static_cast<uint32_t>(o.integer("schema_id"));
  if (framed_ && !id_) registry_ = std::make_unique<SchemaRegistry>(o.string("schema_registry"), registry_timeout(o));
}

void AvroMessageWriter::prepare() {
  if (!framed_ || id_) return;
  id_ = registry_->register_schema(subject_, result_schema_json());
}

void AvroMessageWriter::write(const wp_result& r, std::string& out) {
  if (framed_) append_frame_header(out, *id_);
  encoder_.encode(r, out);
}

AvroMessageReader::AvroMessageReader(const Options& o) : framed_(o.string("avro_framing", "confluent") == "confluent") {
  if (!framed_ || o.has("schema_id")) fixed_ = std::make_unique<ResultDecoder>(writer_schema(o));
  if (o.has("schema_id")) fixed_id_ = static_cast<uint32_t>(o.integer("schema_id"));
  if (framed_ && !fixed_id_) registry_ = std::make_unique<SchemaRegistry>(o.string("schema_registry"), registry_timeout(o));
}

ResultDecoder* AvroMessageReader::decoder_for(uint32_t id, std::string& why) {
  if (fixed_id_) {
    if (id == *fixed_id_) return fixed_.get();
    why = "schema id " + std::to_string(id) + " is not the configured schema_id " + std::to_string(*fixed_id_);
    return nullptr;
  }
  auto known = by_id_.find(id);
  if (known != by_id_.end()) return known->second.get();
  auto refused = refused_.find(id);
  if (refused != refused_.end()) {
    why = refused->second;
    return nullptr;
  }
  if (std::chrono::steady_clock::now() < retry_at_) throw RegistryUnavailable("schema registry unavailable (waiting to ask again)");
  std::optional<std::string> schema;
  try {
    schema = registry_->schema_by_id(id);
  } catch (const RegistryUnavailable&) {
    retry_at_ = std::chrono::steady_clock::now() + kRegistryRetry;
    throw;
  } catch (const RegistryRefused& e) {
    why = e.what();
    return nullptr;  // not remembered: a refusal other than "no such id" may pass
  }
  if (!schema) {
    why = "schema id " + std::to_string(id) + " is not in the schema registry";
  } else {
    try {
      return (by_id_[id] = std::make_unique<ResultDecoder>(*schema)).get();
    } catch (const std::exception& e) {
      by_id_.erase(id);
      why = "schema id " + std::to_string(id) + " cannot be read as a result: " + e.what();
    }
  }
  if (refused_.size() < 1000) refused_[id] = why;
  return nullptr;
}

AvroMessageReader::Read AvroMessageReader::read(std::string_view message,
                                                const std::function<void(const wp_result&)>& fn) {
  ResultDecoder* decoder = fixed_.get();
  std::string_view datum = message;
  if (framed_) {
    auto frame = read_frame(message);
    if (!frame) return {Outcome::Undecodable, "not Confluent-framed Avro (no magic byte 0 and schema id)"};
    std::string why;
    try {
      decoder = decoder_for(frame->schema_id, why);
    } catch (const RegistryUnavailable& e) {
      return {Outcome::TryLater, e.what()};
    }
    if (!decoder) return {Outcome::Undecodable, why};
    datum = frame->datum;
  }
  std::string why = decoder->decode(datum, fn);
  if (!why.empty()) return {Outcome::Undecodable, why};
  return {Outcome::Decoded, {}};
}

}  // namespace watchpost::avro
