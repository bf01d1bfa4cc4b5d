// Keeps the fleet's catalogue topic equal to the target catalogue: each target's definition
// keyed by its id, a tombstone for each target that is gone (docs/fleet.md). It reads what the
// topic holds (every partition, start to end), then produces only the differences — so a run
// is idempotent, and a target deleted while no publisher ran gets its tombstone on the next.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace watchpost::cli {

class CataloguePublisher {
 public:
  struct Summary {
    size_t written = 0, deleted = 0, unchanged = 0;
  };
  // Throws std::runtime_error when the brokers or the topic cannot be reached.
  CataloguePublisher(const std::string& brokers, const std::string& topic);
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
  void produce(const std::string& id, const std::string* value);
  void wait_for_acks();
  std::string brokers_, topic_;
  std::unique_ptr<Handles> handles_;
  std::map<std::string, std::string> held_;  // what the topic holds, as far as this publisher knows
};

}  // namespace watchpost::cli
