// Keeps the fleet's catalogue topic equal to the target catalogue: each target's definition
// keyed by its id, a tombstone for each target that is gone (docs/fleet.md). It reads what the
// topic holds (every partition, start to end), then produces only the differences — so a run
// is idempotent, and a target deleted while no publisher ran gets its tombstone on the next.
// Values are the definition's JSON text, or with Avro framing the target record
// (docs/avro/target-v1.avsc); differences are always found between definitions.
#pragma once

#include "framing.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace watchpost::cli {

class CataloguePublisher {
 public:
  struct Summary {
    size_t written = 0, deleted = 0, unchanged = 0;
    size_t skipped = 0;  // definitions the value format cannot carry (said on stderr by id)
  };
  // Throws std::runtime_error when the brokers or the topic cannot be reached.
  // `avro`: write (and read back) Avro target records in that framing; JSON when absent.
  CataloguePublisher(const std::string& brokers, const std::string& topic,
                     std::optional<avro::Framing> avro = std::nullopt);
  ~CataloguePublisher();
  // Reads the topic to its end: what it holds now (last value per id, tombstones removed).
  void read_topic();
  // Makes the topic hold exactly `desired` (id -> definition); waits for the broker's acks.
  // Throws std::runtime_error when a message is not acknowledged (nothing is then assumed).
  Summary publish(const std::map<std::string, std::string>& desired);
  // Only these ids: a definition where it differs from what the topic holds, a tombstone
  // (nullopt) where it holds one. For changes heard between full reconciliations.
  Summary publish_changes(const std::map<std::string, std::optional<std::string>>& changes);
  size_t held() const { return held_.size(); }

 private:
  struct Handles;
  struct AvroValues;
  // What a value on the topic says: the definition, or "" when it cannot be read (it is then
  // written again). Throws std::runtime_error when the schema registry cannot be asked.
  std::string definition_of(std::string_view value);
  void produce(const std::string& id, const std::string* value);
  // Produces a definition; false (said on stderr) when the value format cannot carry it.
  bool produce_or_skip(const std::string& id, const std::string& definition);
  void wait_for_acks();
  std::string brokers_, topic_;
  std::unique_ptr<Handles> handles_;
  std::unique_ptr<AvroValues> avro_;
  std::set<std::string> skipped_;  // of the current publish
  std::map<std::string, std::string> held_;  // what the topic holds, as far as this publisher knows
};

}  // namespace watchpost::cli
