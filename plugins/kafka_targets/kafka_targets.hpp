// kafka_targets: a checker's share of the fleet's catalogue. The catalogue topic carries each
// target's definition keyed by its id (compacted; a tombstone deletes it). The checkers of one
// region are one consumer group on it, and each checks the targets of the partitions Kafka
// assigns to it — the group protocol is the only coordinator. On assignment a partition is
// read from its beginning and its targets handed over once it is read to its end (last value
// per key, tombstones remove); then its changes follow as they come. On revocation its targets
// are removed.
//
// With `format: avro` each value is a target record (docs/avro/target-v1.avsc), framed as the
// result topic is (docs/kafka.md); a value that does not decode is skipped and counted, and one
// whose schema registry does not answer is read again later (its partition waits). Nothing is committed: the topic itself is the state.
//
// A checker that loses the group (Kafka unreachable longer than the session timeout) keeps
// checking what it had: its partitions are *kept*, not removed, because a monitor that stops
// when its coordinator is away blames nobody for an outage it cannot see. When it rejoins, a
// kept partition assigned again is re-read and only the difference applied; the kept ones not
// assigned are released at the first non-empty assignment (the group has settled who owns
// them) or, at the latest, two session timeouts after rejoining.
#pragma once

#include "framed_reader.hpp"
#include "kafka_config.hpp"
#include "target_codec.hpp"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace watchpost::kafka {

class KafkaTargets final : public TargetsProvider {
 public:
  KafkaTargets(const Host& host, const Options& options);
  ~KafkaTargets() override;
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  // `node_region`: the node's `region:`, used when the options name none.
  static ConfPtr consumer_conf(const Options& options, std::string_view node_region = {});
  // The consumer group: `group`, and `.region` when a region is set.
  static std::string group_id(const Options& options, std::string_view node_region = {});

  Status poll(TargetEmitter& emit, uint32_t timeout_ms) override;

 private:
  // One assigned partition: its targets, and whether it has been read to its end yet.
  struct Partition {
    bool loaded = false;
    std::map<std::string, std::string> targets;  // id -> definition
    // Kept from before a lost session while the partition is read again: still being checked,
    // so at its end only what is gone is removed.
    std::map<std::string, std::string> before;
  };

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque);
  // False when the message must be read again later (its schema registry did not answer).
  bool take(const rd_kafka_message_t* m);
  void loaded(int32_t partition);
  void assigned(const rd_kafka_topic_partition_list_t* parts);
  void revoked(const rd_kafka_topic_partition_list_t* parts, bool lost);
  // Kept partitions not assigned again: their targets are removed (another checker has them).
  void release_kept(const char* why);

  // The handle's opaque: route_logs reads it as its first member (the host, for logs), the
  // rebalance callback as the whole (to reach this provider).
  struct Route {
    Host host;
    KafkaTargets* self;
  };
  static_assert(std::is_standard_layout_v<Route>, "the opaque is read as its first member");

  Host host_;
  Route route_;
  std::string topic_;
  HandlePtr consumer_;
  std::map<int32_t, Partition> partitions_;
  std::vector<TargetChange> out_;  // changes gathered during one poll, emitted at its end
  std::map<int32_t, std::map<std::string, std::string>> kept_;  // partitions of a lost session
  int64_t session_ms_;
  bool rejoined_ = false;  // an assignment came after the loss (kept_ waits for a non-empty one)
  std::chrono::steady_clock::time_point release_by_{};
  bool snapshot_sent_ = false;
  std::unique_ptr<avro::FramedReader<avro::TargetDecoder>> avro_;  // format: avro; JSON otherwise
  bool registry_down_ = false;
};

}  // namespace watchpost::kafka
