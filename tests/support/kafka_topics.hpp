// Kafka topics in tests: results produced through the real kafka_sink plugin, raw messages in
// and out of a topic with a plain librdkafka client.
#pragma once

#include "plugins/instance.hpp"
#include "plugins/loader.hpp"
#include "results/result.hpp"
#include "results/ulid.hpp"
#include "runtime_harness.hpp"

#include <librdkafka/rdkafka.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace watchpost::testing {

inline Result make_result(int i) {
  Result r;
  r.result_id = make_ulid(1'790'000'000'000 + i);
  r.target_id = "target-" + std::to_string(i % 50);
  r.pipeline = "bench";
  r.url = "http://127.0.0.1/" + std::to_string(i);
  r.node = "test";
  r.labels = std::make_shared<Labels>();
  r.scheduled_at_us = (1'790'000'000'000 + i) * 1000;
  r.started_at_us = r.scheduled_at_us + 100;
  r.total_us = 1000 + i % 100;
  r.http_status = 200;
  r.outcome = WP_OUTCOME_UP;
  if (i % 7 == 3) {  // every seventh carries every field, so codecs are checked on all of them
    auto labels = std::make_shared<Labels>();
    labels->emplace_back("team", "payments");
    labels->emplace_back("tier", std::to_string(i % 3));
    r.labels = labels;
    r.region = "eu";
    r.dns_us = 10;
    r.connect_us = 20;
    r.tls_us = 300;
    r.first_byte_us = 400 + i % 9;
    r.http_status = 503;
    r.outcome = WP_OUTCOME_DOWN;
    r.error_kind = WP_ERR_HTTP_STATUS;
    r.error_message = "status 503 not in [200] \xc3\xa9";
    r.bytes_received = 1000 + i;
    r.resolved_ip = "127.0.0.1";
    r.ip_family = 4;
    r.tls_days_left = -3;
    r.attempts = 2;
    r.redirects = 1;
    r.verdicts.push_back({"regex", 0, "pattern 'OK' not found"});
    r.verdicts.push_back({"conditions", -1, ""});
  }
  return r;
}

// Produces `batches` through the real kafka_sink plugin, one write each, as the core would;
// `extra` adds or overrides options (name, YAML scalar).
inline void produce_batches(const std::string& bootstrap, const std::string& topic,
                            const std::vector<std::vector<ResultPtr>>& batches,
                            const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  const Plugin* p = test_catalog().find("kafka_sink");
  SinkInstance sink(p->library, p->descriptor->sink, "test/kafka_sink");
  OptionList opts;
  auto add = [&](const char* name, const std::string& value) {
    OptionValue v;
    parse_scalar_option(*p->sink.find(name), value, v);
    opts.push_back(v);
  };
  add("brokers", bootstrap);
  add("topic", topic);
  add("key", "target_id");
  add("compression", "lz4");
  add("linger", "5ms");
  add("batch_messages", "10000");
  add("delivery_timeout", "30s");
  for (auto& [name, value] : extra) add(name.c_str(), value);
  sink.create(opts);
  for (auto& batch : batches) {
    ResultViews views(batch);
    wp_error err = SinkInstance::blank_error();
    EXPECT_EQ(sink.api()->write(sink.handle(), views.data(), views.size(), &err), WP_OK) << err.message;
  }
}

// make_result(first) .. make_result(first + count - 1) through kafka_sink in batches of 1,000;
// gives their ids.
inline std::vector<std::string> produce(const std::string& bootstrap, const std::string& topic, int first, int count,
                                        const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  std::vector<std::string> ids;
  std::vector<std::vector<ResultPtr>> batches;
  for (int start = first; start < first + count; start += 1000) {
    batches.emplace_back();
    for (int i = start; i < std::min(first + count, start + 1000); ++i) {
      batches.back().push_back(std::make_shared<Result>(make_result(i)));
      ids.push_back(batches.back().back()->result_id);
    }
  }
  produce_batches(bootstrap, topic, batches, extra);
  return ids;
}

inline void produce_raw(const std::string& bootstrap, const std::string& topic, const std::vector<std::string>& payloads,
                 const std::map<std::string, std::string>& settings = {}) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  for (auto& [k, v] : settings) rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
  rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  ASSERT_NE(p, nullptr) << err;
  for (auto& m : payloads)
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                      RD_KAFKA_V_VALUE(const_cast<char*>(m.data()), m.size()), RD_KAFKA_V_END);
  EXPECT_EQ(rd_kafka_flush(p, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(p);
}

struct Message {
  std::string payload;
  std::map<std::string, std::string> headers;
};

// Reads a topic from the beginning until `expected` messages arrived or the deadline passed.
inline std::vector<Message> read_topic(const std::string& bootstrap, const std::string& topic, size_t expected,
                                std::chrono::seconds timeout = std::chrono::seconds(30)) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", ("reader-" + make_ulid(0)).c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err);
  rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(c);
  rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subs, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(c, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  std::vector<Message> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 200);
    if (!m) continue;
    if (!m->err) {
      Message msg{std::string(static_cast<const char*>(m->payload), m->len), {}};
      rd_kafka_headers_t* h = nullptr;
      if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(h, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
          msg.headers[name] = std::string(static_cast<const char*>(value), size);
      }
      out.push_back(std::move(msg));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return out;
}

}  // namespace watchpost::testing
