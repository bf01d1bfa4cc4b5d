#include "kafka_sink.hpp"

#include "payload_arena.hpp"
#include "result_schema.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

namespace watchpost::kafka {
namespace {

// One batch out. Its messages' delivery reports are served on the poller thread (and, while a
// full local queue is waited on, on the producing thread), so the counts are atomic; the last
// report settles the batch. `pending` holds one extra count while messages are still being
// produced, so a batch cannot settle before all of it was handed to librdkafka.
struct Flight {
  Flight(const Host& h, const std::string& topic, size_t n, SinkCompletion d)
      : host(h), topic(topic), count(n), pending(n + 1), done(std::move(d)) {}
  const Host& host;
  const std::string& topic;
  size_t count;
  std::atomic<size_t> pending;
  std::atomic<size_t> failed{0};
  std::atomic<int64_t> latency_ns{0};
  std::mutex mu;
  std::string first_error;
  std::chrono::steady_clock::time_point sent_at = std::chrono::steady_clock::now();
  SinkCompletion done;
  PayloadArena payloads;  // freed with the flight, after the last delivery report

  void fail(const char* why) {
    if (failed.fetch_add(1) == 0) {
      std::lock_guard<std::mutex> lock(mu);
      first_error = why;
    }
  }
  // Called once per message; the last call settles the batch and frees it.
  void one_less() {
    if (pending.fetch_sub(1) != 1) return;
    size_t bad = failed.load();
    size_t delivered = count - bad;
    host.count("produced", static_cast<double>(delivered));
    host.count("delivery_latency_seconds_sum", static_cast<double>(latency_ns.load()) / 1e9);
    host.count("delivery_latency_seconds_count", static_cast<double>(delivered));
    if (bad == 0) {
      done(Status::ok());
    } else {
      host.count("failed", static_cast<double>(bad));
      host.count("retried_batches");
      std::string why;
      {
        std::lock_guard<std::mutex> lock(mu);
        why = first_error;
      }
      done(Status::retry(std::to_string(bad) + " of " + std::to_string(count) + " messages not delivered to '" +
                         topic + "': " + why));
    }
    delete this;
  }
};

// Room asked for before encoding a JSON result; a larger one is encoded again into a chunk
// of its size (results are ~400 bytes, a long error message or body match more).
constexpr size_t kJsonGuess = 2048;

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* f = static_cast<Flight*>(m->_private);
  if (!f) return;
  if (m->err)
    f->fail(rd_kafka_err2str(m->err));
  else  // librdkafka's own enqueue-to-report time: no clock read of ours per message
    f->latency_ns += std::max<int64_t>(0, rd_kafka_message_latency(m)) * 1000;
  f->one_less();
}

}  // namespace

const std::vector<wp_option_spec>& KafkaSink::options() {
  static const std::vector<wp_option_spec> specs = [] {
    std::vector<wp_option_spec> s = {
      brokers_option(),
      required_option("topic", WP_OPT_STRING, "Topic to publish results to"),
      option("key", WP_OPT_STRING, "target_id", "Message key: target_id keeps one target's results in order on one partition",
             "target_id|result_id|none"),
      option("format", WP_OPT_STRING, "json",
             "Message format: the result record as JSON (docs/result-format.md) or Avro (docs/kafka.md)", "json|avro"),
      option("compression", WP_OPT_STRING, "lz4", "Compression codec", "none|gzip|snappy|lz4|zstd"),
      option("linger", WP_OPT_DURATION, "5ms", "How long the producer waits to fill a batch"),
      option("batch_messages", WP_OPT_INT, "10000", "Most messages in one produce request"),
      option("delivery_timeout", WP_OPT_DURATION, "30s", "A message not delivered by then fails (and is retried by the core)"),
      properties_option(),
    };
    for (auto& spec : avro::framing_option_specs(false)) s.push_back(spec);
    return s;
  }();
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
  if (o.string("format", "json") == "avro") avro::framing_from(o, avro::result_schema_json(), false);
}

KafkaSink::KafkaSink(const Host& host, const Options& o)
    : host_(host),
      template_conf_(producer_conf(o)),
      topic_name_(o.string("topic")),
      key_(o.string("key", "target_id")),
      delivery_timeout_ms_(o.integer("delivery_timeout", 30000)) {
  if (o.string("format", "json") == "avro")
    avro_ = std::make_unique<avro::FramedWriter>(avro::framing_from(o, avro::result_schema_json(), false), topic_name_,
                                                 avro::result_schema_json());
  connect();
}

KafkaSink::~KafkaSink() {
  if (producer_) rd_kafka_flush(producer_.get(), 10000);
  disconnect();
}

void KafkaSink::disconnect() {
  if (poller_.joinable()) {
    polling_ = false;
    poller_.join();
  }
  if (producer_) {
    // Every message still held gets a (failed) delivery report, which settles its batch: the
    // core then writes those batches again, with this producer or its successor.
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (rd_kafka_outq_len(producer_.get()) > 0 && std::chrono::steady_clock::now() < give_up)
      rd_kafka_poll(producer_.get(), 50);
  }
  if (topic_) rd_kafka_topic_destroy(topic_);
  topic_ = nullptr;
  producer_.reset();
}

void KafkaSink::connect() {
  disconnect();
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
  polling_ = true;
  poller_ = std::thread([this, rk] {
    while (polling_) rd_kafka_poll(rk, 100);
  });
}

std::string_view KafkaSink::key_of(const wp_result& r) const {
  if (key_ == "target_id") return view(r.target_id);
  if (key_ == "result_id") return view(r.result_id);
  return {};
}

Status KafkaSink::write_async(const Batch& batch, SinkCompletion done) {
  if (avro_) {
    try {
      avro_->prepare();  // the schema id, registered once
    } catch (const std::exception& e) {
      host_.count("schema_registry_errors");
      host_.warn(e.what());
      return Status::retry(e.what());
    }
  }
  char err[512];
  if (rd_kafka_fatal_error(producer_.get(), err, sizeof err)) {
    // An idempotent producer can hit a fatal state (e.g. after long outages); it cannot be
    // used again, so start a fresh one (its batches out are settled as failed, and retried).
    host_.warn(std::string("producer in fatal state, recreating it: ") + err);
    connect();
  }
  auto* flight = new Flight(host_, topic_name_, batch.size(), std::move(done));
  auto deadline = flight->sent_at + std::chrono::milliseconds(delivery_timeout_ms_);
  std::string avro_payload;
  for (size_t i = 0; i < batch.size(); ++i) {
    // The payload is written into the flight's arena and produced without a copy: it stays
    // there until the flight is freed, after the last of its delivery reports.
    char* payload;
    size_t size;
    if (avro_) {
      avro_payload.clear();
      avro_->start(avro_payload);
      avro_encoder_.encode(batch[i], avro_payload);
      size = avro_payload.size();
      payload = flight->payloads.reserve(size);
      std::memcpy(payload, avro_payload.data(), size);
    } else {
      payload = flight->payloads.reserve(kJsonGuess);
      size = host_.to_json(batch[i], payload, flight->payloads.room());
      if (size > flight->payloads.room()) {
        payload = flight->payloads.reserve(size);
        host_.to_json(batch[i], payload, size);
      }
    }
    flight->payloads.commit(size);
    std::string_view key = key_of(batch[i]);  // librdkafka copies keys always
    for (;;) {
      int rc = rd_kafka_produce(topic_, RD_KAFKA_PARTITION_UA, 0, payload, size, key.empty() ? nullptr : key.data(),
                                key.size(), flight);
      if (rc == 0) break;
      rd_kafka_resp_err_t e = rd_kafka_last_error();
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(producer_.get(), 50);  // serve delivery reports to make room; not a sleep
        continue;
      }
      flight->fail(rd_kafka_err2str(e));
      flight->one_less();
      break;
    }
  }
  host_.gauge("queue_depth", rd_kafka_outq_len(producer_.get()));
  flight->one_less();  // all handed over: the last report (or this) settles the batch
  return Status::ok();
}

}  // namespace watchpost::kafka
