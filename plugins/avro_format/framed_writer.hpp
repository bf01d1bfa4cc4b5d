// Starts each Avro message of one topic with its framing: the Confluent header (the schema id,
// fixed or registered once under `<topic>-value`), or nothing for plain framing.
#pragma once

#include "framing.hpp"
#include "schema_registry.hpp"

#include <memory>

namespace watchpost::avro {

class FramedWriter {
 public:
  FramedWriter(const Framing& framing, const std::string& topic, std::string schema_json);
  // Makes sure the schema id is known: registers the schema once. Throws RegistryUnavailable
  // (try later) or RegistryRefused.
  void prepare();
  // Appends the framing's header (after prepare()).
  void start(std::string& out) const;
  std::optional<uint32_t> schema_id() const { return id_; }

 private:
  bool confluent_;
  std::optional<uint32_t> id_;
  std::string subject_;
  std::string schema_;
  std::unique_ptr<SchemaRegistry> registry_;
};

}  // namespace watchpost::avro
