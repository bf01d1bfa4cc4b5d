#include "kafka_source.hpp"

#include "result_schema.hpp"

#include <thread>

namespace watchpost::kafka {

const std::vector<wp_option_spec>& KafkaSource::options() {
  static const std::vector<wp_option_spec> specs = [] {
    std::vector<wp_option_spec> s = {
      brokers_option(),
      required_option("topics", WP_OPT_STRING_LIST, "Topic, or list of topics, to consume results from"),
      required_option("group", WP_OPT_STRING, "Consumer group: writers sharing it split the partitions"),
      option("dead_letter_topic", WP_OPT_STRING, nullptr,
             "Where undecodable messages go (with their error in headers); unset: a counted log line"),
      option("start_from", WP_OPT_STRING, "earliest", "Where a new group starts reading", "earliest|latest"),
      option("max_batch", WP_OPT_INT, "1000", "Most messages handed on per poll"),
      option("commit_interval", WP_OPT_DURATION, "1s", "How often acknowledged offsets are committed"),
      option("format", WP_OPT_STRING, "json",
             "Message format: the result record as JSON (docs/result-format.md) or Avro (docs/kafka.md)", "json|avro"),
      properties_option(),
    };
    for (auto& spec : avro::framing_option_specs(true)) s.push_back(spec);
    return s;
  }();
  return specs;
}

ConfPtr KafkaSource::consumer_conf(const Options& o) {
  return make_conf(o, {
                          {"group.id", o.string("group")},
                          {"enable.auto.commit", "false"},
                          {"enable.auto.offset.store", "false"},
                          {"auto.offset.reset", o.string("start_from", "earliest")},
                          {"enable.partition.eof", "false"},
                      });
}

void KafkaSource::validate(const Options& o) {
  consumer_conf(o);
  if (o.list("topics").empty()) throw OptionError("topics", "give at least one topic");
  if (o.integer("max_batch", 1) < 1) throw OptionError("max_batch", "must be at least 1");
  if (o.string("format", "json") == "avro") avro::reader_framing<avro::ResultDecoder>(o, avro::result_schema_json());
}

KafkaSource::KafkaSource(const Host& host, const Options& o)
    : host_(host),
      dlq_topic_(o.string("dead_letter_topic")),
      max_batch_(o.integer("max_batch", 1000)),
      commit_interval_ms_(o.integer("commit_interval", 1000)),
      last_commit_(std::chrono::steady_clock::now()) {
  if (o.string("format", "json") == "avro")
    avro_ = std::make_unique<avro::FramedReader<avro::ResultDecoder>>(avro::reader_framing<avro::ResultDecoder>(o, avro::result_schema_json()));
  ConfPtr conf = consumer_conf(o);
  // The rebalance callback needs this object, so the opaque is `this` (not the host, as in
  // route_logs) and the log and error callbacks reach the host through it.
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::on_rebalance);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* self = static_cast<const KafkaSource*>(rd_kafka_opaque(rk));
    int l = level <= 3 ? WP_LOG_ERROR : level <= 4 ? WP_LOG_WARN : level <= 6 ? WP_LOG_INFO : WP_LOG_DEBUG;
    self->host_.log(l, std::string("librdkafka ") + fac + ": " + buf);
  });
  rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    self->host_.count("client_errors");
    self->host_.warn(std::string("kafka: ") + rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)) + ": " + reason);
  });
  consumer_ = subscribed_consumer(std::move(conf), o.list("topics"));

  if (!dlq_topic_.empty()) {
    ConfPtr pconf = make_conf(o, {{"acks", "all"}, {"enable.idempotence", "true"}});
    route_logs(pconf.get(), &host_);
    // Each dead-letter copy carries a pointer to its own delivery status (see dead_letter).
    rd_kafka_conf_set_dr_msg_cb(pconf.get(), [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
      if (m->_private) *static_cast<rd_kafka_resp_err_t*>(m->_private) = m->err;
    });
    char err[512];
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, pconf.get(), err, sizeof err);
    if (!p) throw std::runtime_error(std::string("cannot create the dead-letter producer: ") + err);
    pconf.release();
    dlq_producer_.reset(p);
  }
}

KafkaSource::~KafkaSource() {
  commit(true);  // what was acknowledged before the end is not read again
  rd_kafka_consumer_close(consumer_.get());
  if (dlq_producer_) rd_kafka_flush(dlq_producer_.get(), 10000);
}

void KafkaSource::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                               void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  bool cooperative = std::string(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    self->host_.info("assigned " + std::to_string(parts->cnt) + " partitions");
    if (cooperative) rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, parts));
    else rd_kafka_assign(rk, parts);
    return;
  }
  // Revoked: commit what is done, then forget the rest; it will be delivered to the new owner
  // (duplicates are possible and harmless: results are idempotent by result id).
  self->commit(true);
  for (int i = 0; i < parts->cnt; ++i) self->tracker_.forget(parts->elems[i].topic, parts->elems[i].partition);
  self->host_.info("revoked " + std::to_string(parts->cnt) + " partitions");
  if (cooperative) rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, parts));
  else rd_kafka_assign(rk, nullptr);
}

void KafkaSource::commit(bool sync) {
  auto moved = tracker_.take_commits();
  if (moved.empty()) return;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(moved.size()));
  for (auto& p : moved) rd_kafka_topic_partition_list_add(list, p.topic.c_str(), p.partition)->offset = p.offset;
  rd_kafka_resp_err_t e = rd_kafka_commit(consumer_.get(), list, sync ? 0 : 1);
  rd_kafka_topic_partition_list_destroy(list);
  if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    host_.count("commit_errors");
    host_.warn(std::string("offset commit failed (the messages will be read again): ") + rd_kafka_err2str(e));
  } else {
    host_.count("commits");
  }
  last_commit_ = std::chrono::steady_clock::now();
}

namespace {
constexpr size_t kDeadLetterWhole = 900 * 1000;  // under the common 1,000,012-byte broker limit
constexpr size_t kDeadLetterHead = 64 * 1024;
}  // namespace

void KafkaSource::dead_letter(const rd_kafka_message_t* m, const std::string& why) {
  std::string where = std::string(rd_kafka_topic_name(m->rkt)) + "/" + std::to_string(m->partition) + "@" +
                      std::to_string(m->offset);
  host_.count("dead_lettered");
  if (!dlq_producer_) {
    host_.error("undecodable message " + where + " skipped (no dead_letter_topic set): " + why);
    return;
  }
  rd_kafka_headers_t* headers = rd_kafka_headers_new(4);
  std::string partition = std::to_string(m->partition), offset = std::to_string(m->offset);
  rd_kafka_header_add(headers, "x-watchpost-error", -1, why.data(), why.size());
  rd_kafka_header_add(headers, "x-original-topic", -1, rd_kafka_topic_name(m->rkt), -1);
  rd_kafka_header_add(headers, "x-original-partition", -1, partition.data(), partition.size());
  rd_kafka_header_add(headers, "x-original-offset", -1, offset.data(), offset.size());
  // Brokers refuse messages over ~1 MB by default, and an undecodable message may be far
  // larger than that: past kDeadLetterWhole bytes the copy keeps the first kDeadLetterHead bytes
  // and says how long the original was; the headers point at the original.
  size_t len = m->len;
  if (len > kDeadLetterWhole) {
    len = kDeadLetterHead;
    std::string original = std::to_string(m->len);
    rd_kafka_header_add(headers, "x-watchpost-truncated-from", -1, original.data(), original.size());
  }
  rd_kafka_resp_err_t delivered = RD_KAFKA_RESP_ERR__IN_PROGRESS;
  rd_kafka_resp_err_t e = rd_kafka_producev(
      dlq_producer_.get(), RD_KAFKA_V_TOPIC(dlq_topic_.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_VALUE(m->payload, len), RD_KAFKA_V_KEY(m->key, m->key_len), RD_KAFKA_V_HEADERS(headers),
      RD_KAFKA_V_OPAQUE(&delivered), RD_KAFKA_V_END);
  if (e) {
    rd_kafka_headers_destroy(headers);
    host_.count("dead_letter_errors");
    host_.error("could not dead-letter " + where + " (" + rd_kafka_err2str(e) + "): " + why);
    return;
  }
  // Waited for, so the offset is only released once the dead-letter copy exists.
  // Flush alone says the queue emptied, not that the broker took the copy: the report does.
  if (rd_kafka_flush(dlq_producer_.get(), 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || delivered != RD_KAFKA_RESP_ERR_NO_ERROR) {
    host_.count("dead_letter_errors");
    host_.error("dead-letter copy of " + where + " not confirmed (" +
                (delivered == RD_KAFKA_RESP_ERR__IN_PROGRESS ? std::string("no answer in 10s") : rd_kafka_err2str(delivered)) +
                "): " + why);
  } else {
    host_.warn("undecodable message " + where + " sent to " + dlq_topic_ + ": " + why);
  }
}

Status KafkaSource::poll(Emitter& emit, uint32_t timeout_ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int64_t taken = 0;
  while (taken < max_batch_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), taken == 0 ? static_cast<int>(std::max<int64_t>(left, 0)) : 0);
    if (!m) break;
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        host_.count("consume_errors");
        host_.warn(std::string("consume error: ") + rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    bool taken_now = take(m, emit);
    rd_kafka_message_destroy(m);
    if (!taken_now) {
      // Read again later: wait out this poll's time rather than ask the registry in a loop.
      std::this_thread::sleep_until(until);
      break;
    }
    ++taken;
  }
  host_.gauge("in_flight", static_cast<double>(tracker_.in_flight()));
  if (std::chrono::steady_clock::now() - last_commit_ >= std::chrono::milliseconds(commit_interval_ms_)) commit(false);
  return Status::ok();
}

bool KafkaSource::take(rd_kafka_message_t* m, Emitter& emit) {
  std::string_view payload(static_cast<const char*>(m->payload), m->len);
  std::string why;
  uint64_t token = 0;
  auto emit_one = [&](const wp_result& r) { emit.emit(&r, 1, token); };
  if (avro_) {
    // Tracked only once it is known the message will not be read again.
    token = tracker_.track(rd_kafka_topic_name(m->rkt), m->partition, m->offset);
    avro::ReadResult read = avro_->read(payload, emit_one);
    if (read.outcome == avro::ReadOutcome::TryLater) {
      tracker_.untrack(token);
      host_.count("schema_registry_errors");
      if (!registry_down_) host_.warn(read.why + " (messages wait in Kafka until it answers)");
      registry_down_ = true;
      rd_kafka_resp_err_t e = rd_kafka_seek(m->rkt, m->partition, m->offset, 5000);
      if (e) host_.warn(std::string("could not seek back to a message to read again: ") + rd_kafka_err2str(e));
      return false;
    }
    if (registry_down_) host_.info("schema registry answers again");
    registry_down_ = false;
    why = read.why;
  } else {
    token = tracker_.track(rd_kafka_topic_name(m->rkt), m->partition, m->offset);
    why = host_.from_json(payload, emit_one);
  }
  if (!why.empty()) {
    dead_letter(m, why);
    tracker_.done(token);
  } else {
    host_.count("consumed");
  }
  return true;
}

void KafkaSource::ack(uint64_t token) { tracker_.done(token); }

}  // namespace watchpost::kafka
