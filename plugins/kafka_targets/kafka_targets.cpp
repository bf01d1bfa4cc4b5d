#include "kafka_targets.hpp"

#include <chrono>
#include <thread>

namespace watchpost::kafka {

const std::vector<wp_option_spec>& KafkaTargets::options() {
  static const std::vector<wp_option_spec> specs = [] {
    std::vector<wp_option_spec> s = {
      brokers_option(),
      option("topic", WP_OPT_STRING, "watchpost.targets", "The catalogue topic: target definitions keyed by target id"),
      option("group", WP_OPT_STRING, "watchpost-checkers", "Consumer group of the checkers that split the catalogue"),
      option("region", WP_OPT_STRING, nullptr,
             "Region of this checker (default: the node's `region:`): each region is a group of its own "
             "(group.region) and checks every target"),
      option("session_timeout", WP_OPT_DURATION, "6s",
             "A checker silent this long loses its partitions to the others (the failover bound's main part)"),
      option("format", WP_OPT_STRING, "json",
             "Value format: the definition as JSON, or as the Avro target record (docs/kafka.md)", "json|avro"),
      properties_option(),
    };
    for (auto& spec : avro::framing_option_specs(true)) s.push_back(spec);
    return s;
  }();
  return specs;
}

std::string KafkaTargets::group_id(const Options& o, std::string_view node_region) {
  std::string region = o.string("region", std::string(node_region));
  return o.string("group", "watchpost-checkers") + (region.empty() ? "" : "." + region);
}

ConfPtr KafkaTargets::consumer_conf(const Options& o, std::string_view node_region) {
  int64_t session = o.integer("session_timeout", 6000);
  return make_conf(o, {
                          {"group.id", group_id(o, node_region)},
                          // A rebalance moves only the partitions that must move; the others keep checking.
                          {"partition.assignment.strategy", "cooperative-sticky"},
                          {"enable.auto.commit", "false"},
                          {"enable.auto.offset.store", "false"},
                          {"auto.offset.reset", "earliest"},
                          {"enable.partition.eof", "true"},
                          {"session.timeout.ms", std::to_string(session)},
                          {"heartbeat.interval.ms", std::to_string(std::max<int64_t>(session / 6, 100))},
                      });
}

void KafkaTargets::validate(const Options& o) {
  if (o.string("topic", "watchpost.targets").empty()) throw OptionError("topic", "must not be empty");
  if (o.string("group", "watchpost-checkers").empty()) throw OptionError("group", "must not be empty");
  if (o.integer("session_timeout", 6000) < 1000) throw OptionError("session_timeout", "must be at least 1s");
  consumer_conf(o);  // throws with librdkafka's message for a bad property
  if (o.string("format", "json") == "avro") avro::reader_framing<avro::TargetDecoder>(o, avro::target_schema_json());
}

KafkaTargets::KafkaTargets(const Host& host, const Options& o)
    : host_(host),
      route_{host, this},
      topic_(o.string("topic", "watchpost.targets")),
      session_ms_(o.integer("session_timeout", 6000)) {
  if (o.string("format", "json") == "avro")
    avro_ = std::make_unique<avro::FramedReader<avro::TargetDecoder>>(
        avro::reader_framing<avro::TargetDecoder>(o, avro::target_schema_json()));
  ConfPtr conf = consumer_conf(o, host.region());
  route_logs(conf.get(), &route_.host);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaTargets::on_rebalance);
  consumer_ = subscribed_consumer(std::move(conf), {topic_});
  host_.info("joining consumer group '" + group_id(o, host.region()) + "' on '" + topic_ + "'");
}

KafkaTargets::~KafkaTargets() {
  // Leaves the group at once, so the others take this checker's partitions without waiting
  // out the session timeout: a SIGTERM costs no missed slot.
  rd_kafka_consumer_close(consumer_.get());
}

void KafkaTargets::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                                void* opaque) {
  auto* self = static_cast<Route*>(opaque)->self;
  bool cooperative = std::string(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) parts->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;  // its targets are all of it
    self->assigned(parts);
    if (cooperative) rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, parts));
    else rd_kafka_assign(rk, parts);
    return;
  }
  self->revoked(parts, rd_kafka_assignment_lost(rk));
  if (cooperative) rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, parts));
  else rd_kafka_assign(rk, nullptr);
}

void KafkaTargets::assigned(const rd_kafka_topic_partition_list_t* parts) {
  for (int i = 0; i < parts->cnt; ++i) {
    int32_t p = parts->elems[i].partition;
    Partition& part = partitions_[p] = Partition{};  // a partition held earlier is read again
    if (auto kept = kept_.find(p); kept != kept_.end()) {
      part.before = std::move(kept->second);
      kept_.erase(kept);
    }
  }
  host_.info("assigned " + std::to_string(parts->cnt) + " partitions of '" + topic_ + "'");
  host_.count("assigned_partitions", parts->cnt);
  if (kept_.empty()) return;
  if (parts->cnt > 0) {
    release_kept("the group has given them to other checkers");
  } else if (!rejoined_) {
    // A cooperative rejoin may first bring nothing while others give partitions up; the kept
    // ones go on being checked until the group settles, but not forever.
    rejoined_ = true;
    release_by_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(2 * session_ms_);
  }
}

void KafkaTargets::revoked(const rd_kafka_topic_partition_list_t* parts, bool lost) {
  size_t handed = 0, kept = 0;
  for (int i = 0; i < parts->cnt; ++i) {
    auto it = partitions_.find(parts->elems[i].partition);
    if (it == partitions_.end()) continue;
    Partition& part = it->second;
    // What the core is checking for this partition: its targets once read, else what it kept.
    auto& checked = part.loaded ? part.targets : part.before;
    if (lost) {
      kept += checked.size();
      if (!checked.empty()) kept_[it->first] = std::move(checked);
    } else {
      for (auto& [id, _] : checked) out_.push_back(TargetChange::remove(id));
      handed += checked.size();
    }
    partitions_.erase(it);
  }
  host_.count("revoked_partitions", parts->cnt);
  if (!lost) {
    host_.info("revoked " + std::to_string(parts->cnt) + " partitions of '" + topic_ + "' (" + std::to_string(handed) +
               " targets handed on)");
    return;
  }
  rejoined_ = false;
  host_.count("lost_sessions");
  host_.warn("lost the consumer group (Kafka unreachable longer than the session timeout): still checking the " +
             std::to_string(kept) + " targets of " + std::to_string(parts->cnt) +
             " partitions until Kafka assigns partitions again");
}

void KafkaTargets::release_kept(const char* why) {
  size_t released = 0;
  for (auto& [_, targets] : kept_) {
    for (auto& [id, __] : targets) out_.push_back(TargetChange::remove(id));
    released += targets.size();
  }
  host_.info("released " + std::to_string(released) + " targets of " + std::to_string(kept_.size()) +
             " partitions kept through a lost session: " + why);
  kept_.clear();
  rejoined_ = false;
}

bool KafkaTargets::take(const rd_kafka_message_t* m) {
  auto it = partitions_.find(m->partition);
  if (it == partitions_.end()) return true;  // a message fetched just before its partition moved
  if (!m->key || m->key_len == 0) {
    host_.count("unkeyed_messages");
    host_.warn("skipping a catalogue message without a key (the key is the target id) at partition " +
               std::to_string(m->partition) + " offset " + std::to_string(m->offset));
    return true;
  }
  std::string id(static_cast<const char*>(m->key), m->key_len);
  auto& part = it->second;
  if (!m->payload) {  // tombstone
    if (part.targets.erase(id) && part.loaded) out_.push_back(TargetChange::remove(id));
    return true;
  }
  std::string definition(static_cast<const char*>(m->payload), m->len);
  if (avro_) {
    std::string payload = std::move(definition);
    avro::ReadResult read = avro_->read(payload, [&](const std::string& d) { definition = d; });
    if (read.outcome == avro::ReadOutcome::TryLater) {
      host_.count("schema_registry_errors");
      if (!registry_down_) host_.warn(read.why + " (the catalogue waits in Kafka until it answers)");
      registry_down_ = true;
      rd_kafka_resp_err_t e = rd_kafka_seek(m->rkt, m->partition, m->offset, 5000);
      if (e) host_.warn(std::string("could not seek back to a catalogue message: ") + rd_kafka_err2str(e));
      return false;
    }
    registry_down_ = false;
    if (read.outcome == avro::ReadOutcome::Undecodable) {
      host_.count("undecodable_messages");
      host_.warn("skipping target '" + id + "' at partition " + std::to_string(m->partition) + " offset " +
                 std::to_string(m->offset) + ": " + read.why);
      return true;
    }
  }
  if (part.loaded) out_.push_back(TargetChange::upsert(id, definition));
  part.targets[id] = std::move(definition);
  return true;
}

void KafkaTargets::loaded(int32_t partition) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end() || it->second.loaded) return;
  Partition& part = it->second;
  part.loaded = true;
  // An unchanged definition is an upsert the core ignores; what was kept and is gone is removed.
  for (auto& [id, definition] : part.targets) out_.push_back(TargetChange::upsert(id, definition));
  for (auto& [id, _] : part.before)
    if (!part.targets.count(id)) out_.push_back(TargetChange::remove(id));
  part.before.clear();
  host_.info("partition " + std::to_string(partition) + " read: " + std::to_string(it->second.targets.size()) +
             " targets");
}

Status KafkaTargets::poll(TargetEmitter& emit, uint32_t timeout_ms) {
  if (!snapshot_sent_) {
    // Until Kafka assigns partitions this checker owns nothing; what it is given arrives as changes.
    emit.snapshot({}, true);
    snapshot_sent_ = true;
  }
  if (rejoined_ && !kept_.empty() && std::chrono::steady_clock::now() >= release_by_)
    release_kept("no partition came back within two session timeouts of rejoining");
  constexpr size_t kMostPerEmit = 10000;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out_.size() < kMostPerEmit) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
    // Changes waiting are handed over without waiting for more.
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), out_.empty() ? static_cast<int>(std::max<int64_t>(left, 0)) : 0);
    if (!m) break;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      loaded(m->partition);
    } else if (m->err) {
      host_.count("consume_errors");
      host_.warn(std::string("consume error: ") + rd_kafka_message_errstr(m));
    } else if (!take(m)) {
      rd_kafka_message_destroy(m);
      std::this_thread::sleep_until(until);  // not asked again in a loop: read again at the next poll
      break;
    }
    rd_kafka_message_destroy(m);
  }
  if (!out_.empty()) {
    emit.changes(out_);
    host_.count("changes", static_cast<double>(out_.size()));
    out_.clear();
  }
  size_t owned = 0;
  for (auto& [_, p] : partitions_) owned += p.loaded ? p.targets.size() : p.before.size();
  for (auto& [_, kept] : kept_) owned += kept.size();
  host_.gauge("targets", static_cast<double>(owned));
  return Status::ok();
}

}  // namespace watchpost::kafka
