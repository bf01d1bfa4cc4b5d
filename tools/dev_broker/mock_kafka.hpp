// librdkafka's built-in mock cluster: a Kafka-protocol broker set on 127.0.0.1, for
// development and tests only. Production points `brokers:` at a real Kafka cluster.
#pragma once

#include <string>

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace watchpost::devbroker {

class MockKafka {
 public:
  explicit MockKafka(int brokers = 1);
  ~MockKafka();
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  // "127.0.0.1:PORT,..." for bootstrap.servers.
  std::string bootstrap() const;
  void create_topic(const std::string& name, int partitions, int replication = 1);
  // Broker ids are 1..brokers. A down broker refuses connections until it is up again.
  void broker_down(int id);
  void broker_up(int id);
  rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace watchpost::devbroker
