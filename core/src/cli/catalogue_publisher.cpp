#include "catalogue_publisher.hpp"

#include "framed_reader.hpp"
#include "framed_writer.hpp"
#include "target_codec.hpp"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <vector>

namespace watchpost::cli {

namespace {

rd_kafka_conf_t* base_conf(const std::string& brokers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("--brokers: ") + err);
  }
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  return conf;
}

}  // namespace

struct CataloguePublisher::Handles {
  rd_kafka_t* producer = nullptr;
  size_t failed = 0;
  std::string first_error;
  ~Handles() {
    if (producer) rd_kafka_destroy(producer);
  }
};

struct CataloguePublisher::AvroValues {
  AvroValues(const avro::Framing& f, const std::string& topic)
      : writer(f, topic, avro::target_schema_json()), reader(f) {}
  avro::FramedWriter writer;
  avro::FramedReader<avro::TargetDecoder> reader;
  avro::TargetEncoder encoder;
};

CataloguePublisher::CataloguePublisher(const std::string& brokers, const std::string& topic,
                                       std::optional<avro::Framing> avro)
    : brokers_(brokers), topic_(topic), handles_(std::make_unique<Handles>()) {
  if (avro) avro_ = std::make_unique<AvroValues>(*avro, topic);
  rd_kafka_conf_t* conf = base_conf(brokers);
  char err[512];
  rd_kafka_conf_set(conf, "acks", "all", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof err);
  rd_kafka_conf_set_opaque(conf, handles_.get());
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* h = static_cast<Handles*>(opaque);
    if (m->err && h->failed++ == 0) h->first_error = rd_kafka_err2str(m->err);
  });
  handles_->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!handles_->producer) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("cannot create the Kafka producer: ") + err);
  }
}

CataloguePublisher::~CataloguePublisher() = default;

std::string CataloguePublisher::definition_of(std::string_view value) {
  if (!avro_) return std::string(value);
  std::string definition;
  avro::ReadResult read = avro_->reader.read(value, [&](const std::string& d) { definition = d; });
  if (read.outcome == avro::ReadOutcome::TryLater) throw std::runtime_error(read.why);
  return definition;  // "" when undecodable: never equal to a definition, so it is rewritten
}

void CataloguePublisher::read_topic() {
  held_.clear();
  char err[512];
  rd_kafka_conf_t* conf = base_conf(brokers_);
  rd_kafka_conf_set(conf, "group.id", "watchpost-publisher", err, sizeof err);  // required, never joined
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("cannot create the Kafka consumer: ") + err);
  }
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> consumer(rk, [](rd_kafka_t* k) {
    rd_kafka_consumer_close(k);
    rd_kafka_destroy(k);
  });
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic_.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, 10000);
  rd_kafka_topic_destroy(t);
  if (e) throw std::runtime_error("cannot read the metadata of '" + topic_ + "': " + rd_kafka_err2str(e));
  int partitions = md->topic_cnt == 1 && !md->topics[0].err ? md->topics[0].partition_cnt : 0;
  std::string why = md->topic_cnt == 1 && md->topics[0].err ? rd_kafka_err2str(md->topics[0].err) : "";
  rd_kafka_metadata_destroy(md);
  if (partitions == 0)
    throw std::runtime_error("topic '" + topic_ + "' has no partitions" + (why.empty() ? "" : " (" + why + ")") +
                             ": create it first (compacted, keyed by target id; docs/fleet.md)");
  // Read each partition from its start to the end it had now.
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  std::vector<int64_t> end(static_cast<size_t>(partitions), 0);
  size_t open = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    e = rd_kafka_query_watermark_offsets(rk, topic_.c_str(), p, &low, &high, 10000);
    if (e) {
      rd_kafka_topic_partition_list_destroy(list);
      throw std::runtime_error("cannot read the offsets of '" + topic_ + "': " + rd_kafka_err2str(e));
    }
    end[static_cast<size_t>(p)] = high;
    if (high > low) {
      rd_kafka_topic_partition_list_add(list, topic_.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
      ++open;
    }
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::set<int32_t> done;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (open > 0) {
    if (std::chrono::steady_clock::now() > give_up)
      throw std::runtime_error("reading '" + topic_ + "' to its end took over 60 s");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 500);
    if (!m) continue;
    if (!m->err && m->key) {
      std::string id(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) held_[id] = definition_of(std::string_view(static_cast<const char*>(m->payload), m->len));
      else held_.erase(id);
    }
    // Done with a partition at its end as it was when we looked (or its end, whichever first).
    bool at_end = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF ||
                  (!m->err && m->offset + 1 >= end[static_cast<size_t>(m->partition)]);
    if (at_end && done.insert(m->partition).second) --open;
    rd_kafka_message_destroy(m);
  }
}

void CataloguePublisher::produce(const std::string& id, const std::string* definition) {
  std::string encoded;
  const std::string* value = definition;
  if (avro_ && definition) {
    avro_->writer.prepare();  // the schema id, registered once; throws when the registry is away
    avro_->writer.start(encoded);
    encoded += avro_->encoder.encode(*definition);  // std::invalid_argument: publish skips it
    value = &encoded;
  }
  auto send = [&] {
    return rd_kafka_producev(handles_->producer, RD_KAFKA_V_TOPIC(topic_.c_str()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(id.data(), id.size()),
                             RD_KAFKA_V_VALUE(value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0),
                             RD_KAFKA_V_END);
  };
  rd_kafka_resp_err_t e = send();
  if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    rd_kafka_flush(handles_->producer, 30000);
    e = send();
  }
  if (e) throw std::runtime_error("cannot produce to '" + topic_ + "': " + rd_kafka_err2str(e));
}

bool CataloguePublisher::produce_or_skip(const std::string& id, const std::string& definition) {
  try {
    produce(id, &definition);
    return true;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "skipping '%s': %s\n", id.c_str(), e.what());
    skipped_.insert(id);
    return false;
  }
}

void CataloguePublisher::wait_for_acks() {
  if (rd_kafka_flush(handles_->producer, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error("the broker did not acknowledge every message within 60 s");
  if (handles_->failed)
    throw std::runtime_error(std::to_string(handles_->failed) + " messages were not delivered to '" + topic_ +
                             "': " + handles_->first_error);
}

CataloguePublisher::Summary CataloguePublisher::publish(const std::map<std::string, std::string>& desired) {
  Summary s;
  handles_->failed = 0;
  for (auto& [id, definition] : desired) {
    auto it = held_.find(id);
    if (it != held_.end() && it->second == definition) {
      ++s.unchanged;
      continue;
    }
    if (!produce_or_skip(id, definition)) {
      ++s.skipped;
      continue;
    }
    ++s.written;
  }
  for (auto& [id, _] : held_)
    if (!desired.count(id)) {
      produce(id, nullptr);
      ++s.deleted;
    }
  wait_for_acks();
  held_ = desired;
  for (auto& id : skipped_) held_.erase(id);
  skipped_.clear();
  return s;
}

CataloguePublisher::Summary CataloguePublisher::publish_changes(
    const std::map<std::string, std::optional<std::string>>& changes) {
  Summary s;
  handles_->failed = 0;
  for (auto& [id, definition] : changes) {
    auto it = held_.find(id);
    if (definition ? (it != held_.end() && it->second == *definition) : it == held_.end()) {
      ++s.unchanged;
      continue;
    }
    if (!definition) {
      produce(id, nullptr);
      ++s.deleted;
    } else if (produce_or_skip(id, *definition)) {
      ++s.written;
    } else {
      ++s.skipped;
    }
  }
  wait_for_acks();
  for (auto& [id, definition] : changes) {
    if (definition && !skipped_.count(id)) held_[id] = *definition;
    else if (!definition) held_.erase(id);
  }
  skipped_.clear();
  return s;
}

}  // namespace watchpost::cli
