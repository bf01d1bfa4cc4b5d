// kafka_targets: a checker's share of the fleet's catalogue. The catalogue topic carries each
// target's definition keyed by its id (compacted; a tombstone deletes it). The checkers of one
// region are one consumer group on it, and each checks the targets of the partitions Kafka
// assigns to it — the group protocol is the only coordinator. On assignment a partition is
// read from its beginning and its targets handed over once it is read to its end (last value
// per key, tombstones remove); then its changes follow as they come. On revocation its targets
// are removed. Nothing is committed: the topic itself is the state.
#pragma once

#include "kafka_config.hpp"

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
  };

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque);
  void take(const rd_kafka_message_t* m);
  void loaded(int32_t partition);

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
  bool snapshot_sent_ = false;
};

}  // namespace watchpost::kafka
