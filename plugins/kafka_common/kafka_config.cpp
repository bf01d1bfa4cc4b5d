#include "kafka_config.hpp"

#include <watchpost/redact.hpp>

namespace watchpost::kafka {

namespace {

void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value, const char* option) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::string why = err;
    // librdkafka quotes the value it refused; for sasl.password and the like that is a secret.
    if (is_secret_param(key, default_secret_params()) && !value.empty())
      for (size_t at; (at = why.find(value)) != std::string::npos;) why.replace(at, value.size(), "***");
    throw OptionError(option, "librdkafka refused '" + key + "': " + why);
  }
}

}  // namespace

wp_option_spec brokers_option() {
  return required_option("brokers", WP_OPT_STRING, "Bootstrap servers, host:port[,host:port...]");
}

wp_option_spec properties_option() {
  return option("properties", WP_OPT_STRING_MAP, nullptr,
                "librdkafka properties passed through (security.protocol, ssl.*, sasl.*, ...)");
}

ConfPtr make_conf(const Options& o, const Settings& defaults) {
  ConfPtr conf(rd_kafka_conf_new());
  set(conf.get(), "bootstrap.servers", o.string("brokers"), "brokers");
  for (auto& [k, v] : defaults) set(conf.get(), k, v, "properties");
  for (auto& [k, v] : o.map("properties")) set(conf.get(), k, v, "properties");
  return conf;
}

HandlePtr subscribed_consumer(ConfPtr conf, const std::vector<std::string>& topics) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
  if (!rk) throw std::runtime_error(std::string("cannot create the Kafka consumer: ") + err);
  conf.release();  // owned by the handle now
  HandlePtr consumer(rk);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (auto& t : topics) rd_kafka_topic_partition_list_add(subs, t.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  if (e) throw std::runtime_error(std::string("cannot subscribe: ") + rd_kafka_err2str(e));
  return consumer;
}

void route_logs(rd_kafka_conf_t* conf, const Host* host) {
  rd_kafka_conf_set_opaque(conf, const_cast<Host*>(host));
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* h = static_cast<const Host*>(rd_kafka_opaque(rk));
    int l = level <= 3 ? WP_LOG_ERROR : level <= 4 ? WP_LOG_WARN : level <= 6 ? WP_LOG_INFO : WP_LOG_DEBUG;
    h->log(l, std::string("librdkafka ") + fac + ": " + buf);
  });
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* h = static_cast<const Host*>(opaque);
    h->count("client_errors");
    h->warn(std::string("kafka: ") + rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)) + ": " + reason);
  });
}

}  // namespace watchpost::kafka
