// Publishes results to Kafka. A batch is acknowledged to the core only when every message in
// it has a successful delivery report (acks=all, idempotent producer by default); anything
// else is RETRY, so the core retries and nothing is reported done that the broker lacks.
//
// `format: avro` writes the result as Avro (docs/kafka.md): Confluent-framed with a fixed or
// registered schema id, or plain. A registry that cannot be reached leaves the batch untaken
// (RETRY), so results wait in the core's spool rather than go out without a schema id.
//
// Pipelined (ABI 1.2): write_async produces a batch and returns; a thread of the sink's own
// serves delivery reports and settles each batch when its last report arrives, so the core
// hands over the next batch without waiting out the broker's round trip.
#pragma once

#include "framed_writer.hpp"
#include "result_encoder.hpp"
#include "kafka_config.hpp"

#include <atomic>
#include <memory>
#include <thread>

namespace watchpost::kafka {

class KafkaSink final : public PipelinedSink {
 public:
  KafkaSink(const Host& host, const Options& options);
  ~KafkaSink() override;
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status write_async(const Batch& batch, SinkCompletion done) override;

  // The full producer configuration these options give (tests read it back).
  static ConfPtr producer_conf(const Options& options);

 private:
  void connect();
  // Ends the producer: what it still holds is purged and its batches settled (RETRY).
  void disconnect();
  std::string_view key_of(const wp_result& r) const;

  Host host_;
  ConfPtr template_conf_;  // kept to rebuild the producer after a fatal error
  HandlePtr producer_;
  rd_kafka_topic_t* topic_ = nullptr;
  std::string topic_name_;
  std::string key_;
  std::unique_ptr<avro::FramedWriter> avro_;  // format: avro; JSON otherwise
  avro::ResultEncoder avro_encoder_;
  int64_t delivery_timeout_ms_;
  std::atomic<bool> polling_{false};
  std::thread poller_;  // serves delivery reports while producer_ lives
};

}  // namespace watchpost::kafka
