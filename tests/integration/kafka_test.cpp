// kafka_sink and kafka_source against a Kafka-protocol broker (librdkafka's mock cluster on
// 127.0.0.1), with exact accounting by result id.
#include "config/config.hpp"
#include "plugins/instance.hpp"
#include "kafka_sink.hpp"
#include "plugins/loader.hpp"
#include "observe/metrics.hpp"
#include "mock_kafka.hpp"
#include "process.hpp"
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "runtime_harness.hpp"
#include "runtime.hpp"
#include "results/ulid.hpp"
#include "wait.hpp"
#include "kafka_topics.hpp"

#include <librdkafka/rdkafka.h>
#include <watchpost/testing.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::devbroker::MockKafka;

using Running = wt::RunningRuntime;
using Seen = wt::SeenResults;
using wt::make_result;
using wt::produce;
using wt::produce_raw;
using wt::read_topic;

namespace {

const PluginCatalog& catalog() { return wt::test_catalog(); }

std::string id_of(const std::string& json) {
  auto at = json.find("\"result_id\":\"");
  return at == std::string::npos ? std::string() : json.substr(at + 13, 26);
}

// Group membership settles in seconds instead of the default 45 s session timeout.
const char* kFastGroup = ", properties: {session.timeout.ms: \"6000\", heartbeat.interval.ms: \"500\"}";

std::string writer_yaml(const std::string& bootstrap, const std::string& topic, const std::string& group,
                        const std::string& extra = "") {
  return "pipelines:\n  - name: writer\n    source: {plugin: kafka_source, brokers: \"" + bootstrap + "\", topics: " +
         topic + ", group: " + group + extra + kFastGroup + "}\n    sinks: [{plugin: chaos}]\n";
}

}  // namespace

TEST(Kafka, HundredThousandResultsRoundTripWithExactAccounting) {
  MockKafka kafka(3);
  kafka.create_topic("results", 8, 3);
  auto ids = produce(kafka.bootstrap(), "results", 0, 100'000);
  ASSERT_EQ(ids.size(), 100'000u);
  Running writer(writer_yaml(kafka.bootstrap(), "results", "writers"));
  bool all = wt::wait_until([&] { return writer.seen.unique() >= ids.size(); }, std::chrono::seconds(120));
  EXPECT_EQ(writer.stop(), 0);
  EXPECT_TRUE(all) << writer.seen.unique() << " of " << ids.size();
  for (auto& id : ids)
    if (!writer.seen.has(id)) {
      ADD_FAILURE() << "lost " << id;
      break;
    }
  ::testing::Test::RecordProperty("duplicates", static_cast<int>(writer.seen.duplicates()));
  std::printf("round trip: %zu unique results, %zu duplicates\n", writer.seen.unique(), writer.seen.duplicates());
}

// kafka_sink writes each payload into memory kept until the batch's last delivery report and
// hands it to librdkafka without a copy: every message must arrive exactly as the core encodes
// it, whatever its size — around the sink's first guess of room (2 KiB), past one chunk of its
// memory (64 KiB), and many small ones spanning chunks — with several batches in flight.
TEST(Kafka, EveryPayloadArrivesExactlyAsEncodedWhateverItsSize) {
  MockKafka kafka(1);
  kafka.create_topic("sizes", 3, 1);
  const size_t sizes[] = {0, 1, 1500, 2047, 2048, 2049, 5000, 64 * 1024, 200 * 1024};
  std::vector<std::vector<ResultPtr>> batches(4);
  std::map<std::string, std::string> expected;  // result id -> its JSON
  int i = 0;
  for (auto& batch : batches)
    for (int k = 0; k < 300; ++k, ++i) {
      Result r = wt::make_result(i);
      r.error_message = std::string(sizes[i % std::size(sizes)], static_cast<char>('a' + i % 26));
      batch.push_back(std::make_shared<Result>(r));
      std::string json;
      ResultViews view(*batch.back());
      append_result_json(json, *view.data());
      expected[r.result_id] = json;
    }
  wt::produce_batches(kafka.bootstrap(), "sizes", batches);
  auto messages = read_topic(kafka.bootstrap(), "sizes", expected.size(), std::chrono::seconds(60));
  ASSERT_EQ(messages.size(), expected.size());
  size_t exact = 0;
  for (auto& m : messages) {
    auto it = expected.find(id_of(m.payload));
    ASSERT_NE(it, expected.end()) << "a message that was not produced: " << m.payload.substr(0, 200);
    if (m.payload == it->second) ++exact;
    else ADD_FAILURE() << "result " << it->first << " arrived as " << m.payload.size() << " bytes, encoded as "
                       << it->second.size();
    expected.erase(it);
  }
  EXPECT_EQ(exact, messages.size());
  EXPECT_TRUE(expected.empty()) << expected.size() << " results never arrived";
}

TEST(Kafka, BrokerDownWhileProducingLosesNothing) {
  MockKafka kafka(1);
  kafka.create_topic("results", 2, 1);
  kafka.broker_down(1);
  const std::string retries = "watchpost_sink_retries_total{sink=\"checker/kafka_sink\"}";
  double retries_before = metrics().get(retries);
  Seen checked;
  {
    Running checker("pipelines:\n  - name: checker\n    probe: {plugin: cprobe, interval: 1s}\n"
                    "    targets: [{id: a, name: a}, {id: b, name: b}, {id: c, name: c}]\n"
                    "    sinks: [{plugin: kafka_sink, brokers: \"" + kafka.bootstrap() +
                    "\", topic: results, delivery_timeout: 1s, max_retry_delay: 500ms, batch_delay: 50ms}]\n");
    ASSERT_TRUE(wt::wait_until([&] { return metrics().get(retries) >= retries_before + 2; }, std::chrono::seconds(30)))
        << "the sink should be failing and retrying while the broker is down";
    kafka.broker_up(1);
    ASSERT_TRUE(wt::wait_until([&] { return checker.seen.unique() >= 12; }, std::chrono::seconds(30)));
    EXPECT_EQ(checker.stop(), 0);
    for (auto& id : checker.seen.ids()) checked.add(std::make_shared<Result>([&] {
      Result r;
      r.result_id = id;
      return r;
    }()));
  }
  auto messages = read_topic(kafka.bootstrap(), "results", checked.unique());
  std::set<std::string> in_kafka;
  for (auto& m : messages) in_kafka.insert(id_of(m.payload));
  for (auto& id : checked.ids()) EXPECT_TRUE(in_kafka.count(id)) << "result " << id << " never reached Kafka";
}

TEST(Kafka, MalformedAndUnknownVersionMessagesAreDeadLetteredAndGoodOnesFlow) {
  MockKafka kafka(1);
  kafka.create_topic("results", 1, 1);
  kafka.create_topic("results-dlq", 1, 1);
  auto good = produce(kafka.bootstrap(), "results", 0, 2);
  produce_raw(kafka.bootstrap(), "results",
              {"this is not json", "{\"schema_version\":99,\"result_id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\"}"});
  auto more = produce(kafka.bootstrap(), "results", 2, 2);
  Running writer(writer_yaml(kafka.bootstrap(), "results", "writers", ", dead_letter_topic: results-dlq"));
  ASSERT_TRUE(wt::wait_until([&] { return writer.seen.unique() == 4; }, std::chrono::seconds(30)));
  for (auto& id : good) EXPECT_TRUE(writer.seen.has(id));
  for (auto& id : more) EXPECT_TRUE(writer.seen.has(id)) << "messages after the bad ones still flow";
  auto dead = read_topic(kafka.bootstrap(), "results-dlq", 2);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].payload, "this is not json");
  EXPECT_EQ(dead[0].headers["x-watchpost-error"], "not valid JSON");
  EXPECT_EQ(dead[0].headers["x-original-topic"], "results");
  EXPECT_NE(dead[1].headers["x-watchpost-error"].find("unknown schema_version 99"), std::string::npos);
  EXPECT_EQ(writer.stop(), 0);
}

// The case seen was a 5 MB message on a real Kafka. librdkafka's mock broker never hands out a
// message larger than the consumer's fetch size, so this one is 950 kB: past the size where
// the copy is cut (900 kB), and the copy logic does not depend on how far past it.
TEST(Kafka, ALargeUndecodableMessageIsDeadLetteredAsItsHeadAndAReference) {
  MockKafka kafka(1);
  kafka.create_topic("results", 1, 1);
  kafka.create_topic("results-dlq", 1, 1);
  std::string huge(950'000, 'z');
  produce_raw(kafka.bootstrap(), "results", {huge});
  auto good = produce(kafka.bootstrap(), "results", 0, 2);
  const std::string dead_lettered = "watchpost_plugin_dead_lettered_total{instance=\"writer/kafka_source\"}";
  const std::string dead_letter_errors = "watchpost_plugin_dead_letter_errors_total{instance=\"writer/kafka_source\"}";
  double dead_before = metrics().get(dead_lettered), errors_before = metrics().get(dead_letter_errors);
  Running writer(writer_yaml(kafka.bootstrap(), "results", "writers", ", dead_letter_topic: results-dlq"));
  ASSERT_TRUE(wt::wait_until([&] { return writer.seen.unique() == 2; }, std::chrono::seconds(30)));
  auto dead = read_topic(kafka.bootstrap(), "results-dlq", 1);
  ASSERT_EQ(dead.size(), 1u) << "a message too large for the broker's default limit is still dead-lettered";
  EXPECT_EQ(dead[0].payload, huge.substr(0, 64 * 1024));
  EXPECT_EQ(dead[0].headers["x-watchpost-truncated-from"], std::to_string(huge.size()));
  EXPECT_EQ(dead[0].headers["x-original-offset"], "0");
  EXPECT_EQ(metrics().get(dead_lettered), dead_before + 1);
  EXPECT_EQ(metrics().get(dead_letter_errors), errors_before);
  EXPECT_EQ(writer.stop(), 0);
}

TEST(Kafka, TwoConsumersSplitThePartitionsAndOneTakesOverWhenTheOtherLeaves) {
  MockKafka kafka(1);
  kafka.create_topic("results", 4, 1);
  std::string yaml = writer_yaml(kafka.bootstrap(), "results", "shared");
  Running a(yaml);
  auto first = produce(kafka.bootstrap(), "results", 0, 200);
  ASSERT_TRUE(wt::wait_until([&] { return a.seen.unique() >= 200; }, std::chrono::seconds(30)));

  auto b = std::make_unique<Running>(yaml);
  // Keep producing until the group has rebalanced and both members receive a share.
  int next = 200;
  std::vector<std::string> second;
  ASSERT_TRUE(wt::wait_until(
      [&] {
        size_t in_a = 0, in_b = 0;
        for (auto& id : second) {
          in_a += a.seen.has(id);
          in_b += b->seen.has(id);
        }
        if (in_a > 0 && in_b > 0) return true;  // both members got a share of the same stream
        auto ids = produce(kafka.bootstrap(), "results", next, 100);
        next += 100;
        second.insert(second.end(), ids.begin(), ids.end());
        return false;
      },
      std::chrono::seconds(90)))
      << "the second member never got partitions";
  ASSERT_TRUE(wt::wait_until(
      [&] {
        for (auto& id : second)
          if (!a.seen.has(id) && !b->seen.has(id)) return false;
        return true;
      },
      std::chrono::seconds(30)));
  EXPECT_GT(b->seen.unique(), 0u);
  EXPECT_EQ(b->stop(), 0);
  b.reset();

  auto third = produce(kafka.bootstrap(), "results", 100'000, 200);
  ASSERT_TRUE(wt::wait_until(
      [&] {
        for (auto& id : third)
          if (!a.seen.has(id)) return false;
        return true;
      },
      std::chrono::seconds(60)))
      << "after the other member left, the remaining one must take over every partition";
  EXPECT_EQ(a.stop(), 0);
}

TEST(Kafka, AWriterKilledBeforeItsCommitGetsEverythingAgainOnRestart) {
  MockKafka kafka(1);
  kafka.create_topic("results", 2, 1);
  auto ids = produce(kafka.bootstrap(), "results", 0, 300);
  std::string dir = wt::temp_dir();
  std::string out = dir + "/stored.jsonl";
  auto yaml = [&](const std::string& commit_interval) {
    return "pipelines:\n  - name: writer\n    source: {plugin: kafka_source, brokers: \"" + kafka.bootstrap() +
           "\", topics: results, group: writers, commit_interval: " + commit_interval + kFastGroup +
           "}\n    sinks: [{plugin: stdout, format: json, path: \"" + out + "\", batch_delay: 10ms}]\n";
  };
  auto stored = [&] {
    std::map<std::string, int> count;
    std::stringstream ss(wt::read_file(out));
    for (std::string line; std::getline(ss, line);)
      if (!line.empty()) ++count[id_of(line)];
    return count;
  };
  // First run never commits; it is killed once the sink has written everything.
  wt::write_file(dir + "/no-commit.yaml", yaml("1h"));
  {
    wt::ChildProcess first({WATCHPOST_BIN, "run", dir + "/no-commit.yaml", "--log-format", "json"});
    ASSERT_TRUE(wt::wait_until([&] { return stored().size() >= ids.size(); }, std::chrono::seconds(60)));
    first.signal(SIGKILL);
    first.wait();
  }
  // The restart, in the same group, must be handed every message again.
  wt::write_file(dir + "/restart.yaml", yaml("100ms"));
  wt::ChildProcess second({WATCHPOST_BIN, "run", dir + "/restart.yaml", "--log-format", "json"});
  bool redelivered = wt::wait_until(
      [&] {
        auto s = stored();
        for (auto& id : ids)
          if (s[id] < 2) return false;
        return true;
      },
      std::chrono::seconds(60));
  second.signal(SIGTERM);
  auto r = second.wait();
  EXPECT_TRUE(redelivered) << "uncommitted messages must be delivered again after a crash";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (auto& id : ids) EXPECT_GE(stored()[id], 1) << "lost " << id;
}

TEST(KafkaConfig, SslAndSaslOptionsReachLibrdkafka) {
  wt::OptionsBuilder b(kafka::KafkaSink::options());
  b.set("brokers", "kafka-1.example:9093");
  b.set("topic", "results");
  auto built = b.build();
  // The map option is given as alternating key, value items.
  wt::OptionsBuilder with_props(kafka::KafkaSink::options());
  with_props.set("brokers", "kafka-1.example:9093");
  with_props.set("topic", "results");
  with_props.set_list("properties", {"security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                                     "sasl.username", "checker", "sasl.password", "s3cret", "ssl.ca.location",
                                     "/etc/kafka/ca.pem", "ssl.certificate.location", "/etc/kafka/client.pem",
                                     "ssl.key.location", "/etc/kafka/client.key", "acks", "1"});
  auto props = with_props.build();
  auto get = [](rd_kafka_conf_t* conf, const char* key) {
    char value[512];
    size_t size = sizeof value;
    if (rd_kafka_conf_get(conf, key, value, &size) != RD_KAFKA_CONF_OK) return std::string("<unset>");
    return std::string(value);
  };
  auto defaults = kafka::KafkaSink::producer_conf(built.options());
  EXPECT_EQ(get(defaults.get(), "bootstrap.servers"), "kafka-1.example:9093");
  EXPECT_EQ(get(defaults.get(), "acks"), "-1") << "acks=all by default";
  EXPECT_EQ(get(defaults.get(), "enable.idempotence"), "true");
  auto conf = kafka::KafkaSink::producer_conf(props.options());
  EXPECT_EQ(get(conf.get(), "security.protocol"), "sasl_ssl");
  EXPECT_EQ(get(conf.get(), "sasl.mechanisms"), "SCRAM-SHA-512");
  EXPECT_EQ(get(conf.get(), "sasl.username"), "checker");
  EXPECT_EQ(get(conf.get(), "ssl.ca.location"), "/etc/kafka/ca.pem");
  EXPECT_EQ(get(conf.get(), "ssl.certificate.location"), "/etc/kafka/client.pem");
  EXPECT_EQ(get(conf.get(), "ssl.key.location"), "/etc/kafka/client.key");
  EXPECT_EQ(get(conf.get(), "acks"), "1") << "the user's properties override the defaults";
}

TEST(KafkaConfig, AMisspeltPropertyIsAConfigErrorWithLibrdkafkasMessage) {
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/bad.yaml", R"(pipelines:
  - probe: {plugin: cprobe}
    targets: [{name: x}]
    sinks:
      - plugin: kafka_sink
        brokers: 127.0.0.1:9092
        topic: results
        properties:
          security.protocl: SSL
)");
  try {
    load_config(dir + "/bad.yaml", catalog());
    FAIL() << "a misspelt librdkafka property must be refused";
  } catch (const ConfigError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("bad.yaml:9:11: sink 'kafka_sink': 'properties': librdkafka refused 'security.protocl'"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("No such configuration property"), std::string::npos) << m;
  }
}
