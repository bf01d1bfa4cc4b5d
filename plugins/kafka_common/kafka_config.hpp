// What kafka_sink and kafka_source share: building a librdkafka configuration from options
// (brokers, safe defaults, the pass-through `properties` map for SSL/SASL and tuning), and
// routing librdkafka's logs and errors to the host.
#pragma once

#include <watchpost/plugin.hpp>

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace watchpost::kafka {

using Settings = std::vector<std::pair<std::string, std::string>>;

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct HandleDeleter {
  void operator()(rd_kafka_t* k) const { rd_kafka_destroy(k); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// brokers, then `defaults`, then the user's `properties` (which may override defaults).
// Throws OptionError naming the option and carrying librdkafka's message.
ConfPtr make_conf(const Options& options, const Settings& defaults);

// Sends librdkafka's log lines and client errors to the host's log. `host` must outlive the
// handle made from `conf`.
void route_logs(rd_kafka_conf_t* conf, const Host* host);

// A consumer made from `conf` (taken over), its poll queue the consumer's, subscribed to
// `topics`. Throws std::runtime_error with librdkafka's message.
HandlePtr subscribed_consumer(ConfPtr conf, const std::vector<std::string>& topics);

// Option specs every Kafka plugin has.
wp_option_spec brokers_option();
wp_option_spec properties_option();

}  // namespace watchpost::kafka
