// A Kafka consumer-group member feeding results into its pipeline. Offsets are committed
// manually, only up to what every sink acknowledged; a message that does not decode goes to
// the dead-letter topic (or a counted log line) and never stops its partition.
#pragma once

#include "kafka_config.hpp"
#include "offset_tracker.hpp"

#include <chrono>

namespace watchpost::kafka {

class KafkaSource final : public Source {
 public:
  KafkaSource(const Host& host, const Options& options);
  ~KafkaSource() override;
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);

  Status poll(Emitter& emit, uint32_t timeout_ms) override;
  void ack(uint64_t token) override;

  static ConfPtr consumer_conf(const Options& options);

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque);
  void commit(bool sync);
  void dead_letter(const rd_kafka_message_t* m, const std::string& why);

  Host host_;
  HandlePtr consumer_;
  HandlePtr dlq_producer_;
  std::string dlq_topic_;
  int64_t max_batch_;
  int64_t commit_interval_ms_;
  std::chrono::steady_clock::time_point last_commit_;
  OffsetTracker tracker_;
};

}  // namespace watchpost::kafka
