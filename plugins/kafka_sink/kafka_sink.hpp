// Publishes results to Kafka. A batch is acknowledged to the core only when every message in
// it has a successful delivery report (acks=all, idempotent producer by default); anything
// else is RETRY, so the core retries and nothing is reported done that the broker lacks.
#pragma once

#include "kafka_config.hpp"

namespace watchpost::kafka {

class KafkaSink final : public Sink {
 public:
  KafkaSink(const Host& host, const Options& options);
  ~KafkaSink() override;
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status write(const Batch& batch) override;

  // The full producer configuration these options give (tests read it back).
  static ConfPtr producer_conf(const Options& options);

 private:
  void connect();
  std::string_view key_of(const wp_result& r) const;

  Host host_;
  ConfPtr template_conf_;  // kept to rebuild the producer after a fatal error
  HandlePtr producer_;
  rd_kafka_topic_t* topic_ = nullptr;
  std::string topic_name_;
  std::string key_;
  int64_t delivery_timeout_ms_;
};

}  // namespace watchpost::kafka
