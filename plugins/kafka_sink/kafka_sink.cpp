#include "kafka_sink.hpp"

#include <chrono>

namespace watchpost::kafka {
namespace {

// Per-batch delivery accounting; lives on the writing thread's stack, and the delivery
// reports for it are served by rd_kafka_poll on that same thread.
struct BatchState {
  size_t pending = 0;
  size_t failed = 0;
  std::string first_error;
  std::chrono::steady_clock::time_point sent_at;
  double latency_sum = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* st = static_cast<BatchState*>(m->_private);
  if (!st) return;
  if (m->err) {
    if (st->failed++ == 0) st->first_error = rd_kafka_err2str(m->err);
  } else {
    st->latency_sum += std::chrono::duration<double>(std::chrono::steady_clock::now() - st->sent_at).count();
  }
  --st->pending;
}

}  // namespace

const std::vector<wp_option_spec>& KafkaSink::options() {
  static const std::vector<wp_option_spec> specs = {
      brokers_option(),
      required_option("topic", WP_OPT_STRING, "Topic to publish results to"),
      option("key", WP_OPT_STRING, "target_id", "Message key: target_id keeps one target's results in order on one partition",
             "target_id|result_id|none"),
      option("format", WP_OPT_STRING, "json", "Message format: the result record as JSON (docs/result-format.md, docs/kafka.md)", "json"),
      option("compression", WP_OPT_STRING, "lz4", "Compression codec", "none|gzip|snappy|lz4|zstd"),
      option("linger", WP_OPT_DURATION, "5ms", "How long the producer waits to fill a batch"),
      option("batch_messages", WP_OPT_INT, "10000", "Most messages in one produce request"),
      option("delivery_timeout", WP_OPT_DURATION, "30s", "A message not delivered by then fails (and is retried by the core)"),
      properties_option(),
  };
  return specs;
}

ConfPtr KafkaSink::producer_conf(const Options& o) {
  return make_conf(o, {
                          {"acks", "all"},
                          {"enable.idempotence", "true"},
                          {"compression.type", o.string("compression", "lz4")},
                          {"linger.ms", std::to_string(o.integer("linger", 5))},
                          {"batch.num.messages", std::to_string(o.integer("batch_messages", 10000))},
                          {"message.timeout.ms", std::to_string(o.integer("delivery_timeout", 30000))},
                      });
}

void KafkaSink::validate(const Options& o) {
  producer_conf(o);  // throws with librdkafka's message for a bad property
  if (o.integer("delivery_timeout", 30000) < 1000) throw OptionError("delivery_timeout", "must be at least 1s");
  if (o.string("topic").empty()) throw OptionError("topic", "must not be empty");
}

KafkaSink::KafkaSink(const Host& host, const Options& o)
    : host_(host),
      template_conf_(producer_conf(o)),
      topic_name_(o.string("topic")),
      key_(o.string("key", "target_id")),
      delivery_timeout_ms_(o.integer("delivery_timeout", 30000)) {
  connect();
}

KafkaSink::~KafkaSink() {
  if (producer_) rd_kafka_flush(producer_.get(), 10000);
  if (topic_) rd_kafka_topic_destroy(topic_);
}

void KafkaSink::connect() {
  if (topic_) rd_kafka_topic_destroy(topic_);
  topic_ = nullptr;
  producer_.reset();
  rd_kafka_conf_t* conf = rd_kafka_conf_dup(template_conf_.get());
  rd_kafka_conf_set_dr_msg_cb(conf, &on_delivery);
  route_logs(conf, &host_);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("cannot create the Kafka producer: ") + err);
  }
  producer_.reset(rk);
  topic_ = rd_kafka_topic_new(rk, topic_name_.c_str(), nullptr);
}

std::string_view KafkaSink::key_of(const wp_result& r) const {
  if (key_ == "target_id") return view(r.target_id);
  if (key_ == "result_id") return view(r.result_id);
  return {};
}

Status KafkaSink::write(const Batch& batch) {
  char err[512];
  if (rd_kafka_fatal_error(producer_.get(), err, sizeof err)) {
    // An idempotent producer can hit a fatal state (e.g. after long outages); it cannot be
    // used again, so start a fresh one and let the core retry this batch.
    host_.warn(std::string("producer in fatal state, recreating it: ") + err);
    connect();
  }
  BatchState st;
  st.sent_at = std::chrono::steady_clock::now();
  auto deadline = st.sent_at + std::chrono::milliseconds(delivery_timeout_ms_ + 5000);
  std::string payload;
  for (size_t i = 0; i < batch.size(); ++i) {
    host_.to_json(batch[i], payload);
    std::string_view key = key_of(batch[i]);
    for (;;) {
      int rc = rd_kafka_produce(topic_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(),
                                key.empty() ? nullptr : key.data(), key.size(), &st);
      if (rc == 0) {
        ++st.pending;
        break;
      }
      rd_kafka_resp_err_t e = rd_kafka_last_error();
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(producer_.get(), 50);  // serve delivery reports to make room; not a sleep
        continue;
      }
      if (st.failed++ == 0) st.first_error = rd_kafka_err2str(e);
      break;
    }
  }
  while (st.pending > 0 && std::chrono::steady_clock::now() < deadline) rd_kafka_poll(producer_.get(), 50);
  host_.gauge("queue_depth", rd_kafka_outq_len(producer_.get()));
  size_t delivered = batch.size() - st.failed - st.pending;
  host_.count("produced", static_cast<double>(delivered));
  host_.count("delivery_latency_seconds_sum", st.latency_sum);
  host_.count("delivery_latency_seconds_count", static_cast<double>(delivered));
  if (st.pending > 0) {
    // Reports still owed past the deadline: purge so late ones cannot touch this stack frame.
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    while (st.pending > 0) rd_kafka_poll(producer_.get(), 50);
    if (st.failed == 0) st.first_error = "delivery reports did not arrive in time";
    st.failed = std::max<size_t>(st.failed, 1);
  }
  if (st.failed > 0) {
    host_.count("failed", static_cast<double>(st.failed));
    host_.count("retried_batches");
    return Status::retry(std::to_string(st.failed) + " of " + std::to_string(batch.size()) +
                         " messages not delivered to '" + topic_name_ + "': " + st.first_error);
  }
  return Status::ok();
}

}  // namespace watchpost::kafka
