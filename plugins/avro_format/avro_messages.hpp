// Kafka messages carrying results as Avro: what kafka_sink writes and kafka_source reads with
// `format: avro` (docs/kafka.md). Two framings:
//   confluent  magic byte 0 + 4-byte schema id + datum. The id is fixed in the config
//              (`schema_id`) or registered under `<topic>-value` at `schema_registry`; a reader
//              fetches ids it does not know from the registry and keeps them.
//   plain      the datum alone; the reader takes the writer's schema from `avro_schema` (a
//              file), or the current schema when none is given.
#pragma once

#include "result_decoder.hpp"
#include "result_encoder.hpp"
#include "schema_registry.hpp"

#include <watchpost/plugin.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

namespace watchpost::avro {

// The options `format: avro` adds to a Kafka plugin.
std::vector<wp_option_spec> avro_option_specs(bool reading);
// Checks them (with `format` already known to be avro): throws OptionError naming the option.
void validate_avro_options(const Options& options, bool reading);

class AvroMessageWriter {
 public:
  AvroMessageWriter(const Options& options, const std::string& topic);
  // Makes sure the schema id is known: registers the schema once. Throws RegistryUnavailable
  // (try later) or RegistryRefused.
  void prepare();
  // Appends the message for `result` (after prepare()).
  void write(const wp_result& result, std::string& out);
  std::optional<uint32_t> schema_id() const { return id_; }

 private:
  bool framed_;
  std::optional<uint32_t> id_;
  std::string subject_;
  std::unique_ptr<SchemaRegistry> registry_;
  ResultEncoder encoder_;
};

class AvroMessageReader {
 public:
  enum class Outcome { Decoded, Undecodable, TryLater };
  struct Read {
    Outcome outcome;
    std::string why;  // for Undecodable and TryLater
  };

  explicit AvroMessageReader(const Options& options);
  Read read(std::string_view message, const std::function<void(const wp_result&)>& fn);

 private:
  // The decoder for a schema id, fetched from the registry the first time. Throws
  // RegistryUnavailable; returns null when the id cannot be read (and says why in `why`).
  ResultDecoder* decoder_for(uint32_t id, std::string& why);

  bool framed_;
  std::unique_ptr<ResultDecoder> fixed_;  // plain, or confluent with a fixed schema_id
  std::optional<uint32_t> fixed_id_;
  std::unique_ptr<SchemaRegistry> registry_;
  std::map<uint32_t, std::unique_ptr<ResultDecoder>> by_id_;
  std::map<uint32_t, std::string> refused_;  // ids the registry lacks or that cannot be read, and why
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace watchpost::avro
