// A Kafka consumer-group member feeding results into its pipeline. Offsets are committed
// manually, only up to what every sink acknowledged; a message that does not decode goes to
// the dead-letter topic (or a counted log line) and never stops its partition.
//
// `format: avro` reads results as Avro (docs/kafka.md). A message whose schema id the registry
// cannot be asked about now is not a bad message: its partition is sought back to it and it is
// read again once the registry answers, so nothing is dead-lettered for an outage.
#pragma once

#include "framed_reader.hpp"
#include "result_decoder.hpp"
#include "kafka_config.hpp"
#include "offset_tracker.hpp"

#include <chrono>
#include <memory>

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
  // Decodes one message and emits its result; false when it must be read again later.
  bool take(rd_kafka_message_t* m, Emitter& emit);

  Host host_;
  HandlePtr consumer_;
  HandlePtr dlq_producer_;
  std::string dlq_topic_;
  int64_t max_batch_;
  int64_t commit_interval_ms_;
  std::chrono::steady_clock::time_point last_commit_;
  OffsetTracker tracker_;
  std::unique_ptr<avro::FramedReader<avro::ResultDecoder>> avro_;  // format: avro; JSON otherwise
  bool registry_down_ = false;                     // so an outage is logged once, not per message
};

}  // namespace watchpost::kafka
