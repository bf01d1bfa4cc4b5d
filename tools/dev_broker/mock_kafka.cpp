#include "mock_kafka.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdexcept>

namespace watchpost::devbroker {

MockKafka::MockKafka(int brokers) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);  // errors only: the mock is chatty
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!handle_) throw std::runtime_error(std::string("cannot create the mock cluster's client: ") + err);
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (!cluster_) {
    rd_kafka_destroy(handle_);
    throw std::runtime_error("cannot create the mock cluster");
  }
}

MockKafka::~MockKafka() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

std::string MockKafka::bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

void MockKafka::create_topic(const std::string& name, int partitions, int replication) {
  rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication);
  if (e) throw std::runtime_error("cannot create topic " + name + ": " + rd_kafka_err2str(e));
}

void MockKafka::broker_down(int id) { rd_kafka_mock_broker_set_down(cluster_, id); }
void MockKafka::broker_up(int id) { rd_kafka_mock_broker_set_up(cluster_, id); }

}  // namespace watchpost::devbroker
