// How Avro messages on a Kafka topic are framed and where their writer's schema comes from
// (docs/kafka.md, "Avro"), for any record watchpost puts on Kafka (results, catalogue targets):
//   confluent  magic byte 0 + 4-byte schema id + datum. The id is fixed (`schema_id`) or
//              registered under `<topic>-value` at `schema_registry`; a reader fetches ids it
//              does not know from the registry and keeps them.
//   plain      the datum alone; a reader takes the writer's schema from `avro_schema` (a file),
//              or the current schema when none is given.
#pragma once

#include <watchpost/plugin.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace watchpost::avro {

struct Framing {
  bool confluent = true;
  std::optional<uint32_t> schema_id;  // confluent: fixed, instead of a registry
  std::string registry_url;           // confluent: empty when schema_id is fixed
  std::chrono::milliseconds registry_timeout{5000};
  std::string writer_schema;          // readers: the schema of plain or fixed-id messages
};

// The options `format: avro` adds to a Kafka plugin.
std::vector<wp_option_spec> framing_option_specs(bool reading);
// The framing those options give; `current_schema` is what readers assume without a file.
// Throws OptionError naming the option (a missing or conflicting one, an unreadable file).
Framing framing_from(const Options& options, const std::string& current_schema, bool reading);
// The same check for any source of settings (the CLI): throws OptionError.
void check_framing(const Framing& framing);

}  // namespace watchpost::avro
