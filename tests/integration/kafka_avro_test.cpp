// kafka_sink and kafka_source with `format: avro` against the dev broker: exact accounting,
// both framings, a schema registry (tests/kafka/schema_registry.py, standing in for Confluent's
// or Karapace, which Debian does not package), and Apache Avro's Python library as the
// independent implementation on the other side of each topic.
#include "config/config.hpp"
#include "kafka_topics.hpp"
#include "mock_kafka.hpp"
#include "observe/metrics.hpp"
#include "process.hpp"
#include "results/result_json.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"
#include "http_client.hpp"
#include "avro_tools.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace watchpost;
namespace wt = watchpost::testing;
using watchpost::devbroker::MockKafka;
using Running = wt::RunningRuntime;
using wt::base64;
using wt::unbase64;
using wt::python_avro_missing;
using wt::schema_file;
using Registry = wt::SchemaRegistry;

std::vector<std::string> python(const std::vector<std::string>& args, const std::vector<std::string>& lines) {
  return wt::avro_interop(args, lines);
}

namespace {

std::string json_of(const Result& r) {
  std::string out;
  append_result_json(out, ResultViews(r).data()[0]);
  return out;
}

// The results make_result(first + k) made with ids[k] (ULIDs are random in part, so a result is
// made again from its index and the id it was sent with), as their JSON form by id.
std::map<std::string, nlohmann::json> expected_by_id(int first, const std::vector<std::string>& ids,
                                                     bool with_region = true) {
  std::map<std::string, nlohmann::json> out;
  for (size_t k = 0; k < ids.size(); ++k) {
    Result r = wt::make_result(first + static_cast<int>(k));
    r.result_id = ids[k];
    if (!with_region) r.region.clear();
    out[r.result_id] = nlohmann::json::parse(json_of(r));
  }
  return out;
}

// Group membership settles in seconds instead of the default 45 s session timeout.
const char* kFastGroup = ", properties: {session.timeout.ms: \"6000\", heartbeat.interval.ms: \"500\"}";

std::string writer_yaml(const std::string& bootstrap, const std::string& topic, const std::string& avro,
                        const std::string& group = "writers") {
  return "pipelines:\n  - name: writer\n    source: {plugin: kafka_source, brokers: \"" + bootstrap + "\", topics: " + topic +
         ", group: " + group + ", format: avro, " + avro + kFastGroup + "}\n    sinks: [{plugin: chaos}]\n";
}

// What a writer saw, as the JSON form by result id.
std::map<std::string, nlohmann::json> seen_by_id(const wt::SeenResults& seen) {
  std::map<std::string, nlohmann::json> out;
  for (auto& r : seen.all()) out[r->result_id] = nlohmann::json::parse(json_of(*r));
  return out;
}

double plugin_metric(const std::string& name, const std::string& instance) {
  return metrics().get("watchpost_plugin_" + name + "_total{instance=\"" + instance + "\"}");
}

}  // namespace

TEST(KafkaAvro, HundredThousandResultsRoundTripWithExactAccounting) {
  MockKafka kafka(3);
  kafka.create_topic("results", 8, 3);
  auto ids = wt::produce(kafka.bootstrap(), "results", 0, 100'000, {{"format", "avro"}, {"schema_id", "7"}});
  ASSERT_EQ(ids.size(), 100'000u);
  double dead_before = plugin_metric("dead_lettered", "writer/kafka_source");
  Running writer(writer_yaml(kafka.bootstrap(), "results", "schema_id: 7"));
  bool all = wt::wait_until([&] { return writer.seen.unique() >= ids.size(); }, std::chrono::seconds(120));
  EXPECT_EQ(writer.stop(), 0);
  EXPECT_TRUE(all) << writer.seen.unique() << " of " << ids.size();
  auto expected = expected_by_id(0, ids);
  auto seen = seen_by_id(writer.seen);
  size_t lost = 0, different = 0;
  for (auto& [id, want] : expected) {
    auto got = seen.find(id);
    if (got == seen.end()) ++lost;
    else if (got->second != want && ++different == 1) ADD_FAILURE() << got->second.dump() << "\n!=\n" << want.dump();
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(different, 0u) << "every field of every result arrives as it was sent";
  EXPECT_EQ(seen.size(), expected.size()) << "nothing arrives that was not sent";
  EXPECT_EQ(plugin_metric("dead_lettered", "writer/kafka_source"), dead_before);
}

TEST(KafkaAvro, PythonsAvroReadsWhatTheSinkWritesInBothFramings) {
  if (python_avro_missing()) GTEST_SKIP() << "python3-avro is not installed (scripts/install-deps.sh installs it)";
  MockKafka kafka(1);
  kafka.create_topic("framed", 2, 1);
  kafka.create_topic("plain", 2, 1);
  Registry registry;
  auto framed_ids = wt::produce(kafka.bootstrap(), "framed", 0, 200, {{"format", "avro"}, {"schema_registry", registry.url()}});
  auto plain_ids = wt::produce(kafka.bootstrap(), "plain", 200, 200, {{"format", "avro"}, {"avro_framing", "plain"}});
  auto subjects = wt::http_get(registry.url() + "/subjects");
  EXPECT_EQ(subjects.second, "[\"framed-value\"]") << "the sink registers its schema under <topic>-value";

  struct Case {
    std::string topic;
    std::vector<std::string> args;
    int first;
    std::vector<std::string> ids;
  };
  for (const Case& c : {Case{"framed", {"decode", "--registry", registry.url()}, 0, framed_ids},
                        Case{"plain", {"decode", "--framing", "plain", "--schema", schema_file(wt::kCurrentResultSchema)}, 200, plain_ids}}) {
    std::vector<std::string> lines;
    for (auto& m : wt::read_topic(kafka.bootstrap(), c.topic, 200)) lines.push_back(base64(m.payload));
    ASSERT_EQ(lines.size(), 200u) << c.topic;
    auto decoded = python(c.args, lines);
    ASSERT_EQ(decoded.size(), 200u) << c.topic;
    auto expected = expected_by_id(c.first, c.ids);
    for (auto& line : decoded) {
      auto got = nlohmann::json::parse(line);
      auto want = expected.find(got.value("result_id", ""));
      ASSERT_NE(want, expected.end()) << line;
      EXPECT_EQ(got, want->second) << c.topic << ": Python's reading differs from what was sent";
      expected.erase(want);
    }
    EXPECT_TRUE(expected.empty()) << c.topic;
  }
}

TEST(KafkaAvro, TheSourceReadsWhatPythonsAvroWritesInBothFramingsAndThePreviousVersion) {
  if (python_avro_missing()) GTEST_SKIP() << "python3-avro is not installed (scripts/install-deps.sh installs it)";
  MockKafka kafka(1);
  kafka.create_topic("framed", 2, 1);
  kafka.create_topic("plain", 1, 1);
  Registry registry;
  uint32_t v2 = registry.add("framed-value", wt::read_file(schema_file(wt::kCurrentResultSchema)));
  uint32_t v1 = registry.add("framed-value", wt::read_file(schema_file(1)));
  ASSERT_NE(v1, v2);
  std::map<std::string, nlohmann::json> expected;
  auto json_lines = [&](int first, int count) {
    std::vector<std::string> out;
    for (int i = first; i < first + count; ++i) {
      Result r = wt::make_result(i);
      out.push_back(json_of(r));
      if (i >= 100) r.region.clear();  // written with version 1, which has no region
      expected[r.result_id] = nlohmann::json::parse(json_of(r));
    }
    return out;
  };
  auto framed_now = python({"encode", "--schema", schema_file(wt::kCurrentResultSchema), "--id", std::to_string(v2)}, json_lines(0, 100));
  auto framed_old = python({"encode", "--schema", schema_file(1), "--id", std::to_string(v1)}, json_lines(100, 100));
  auto plain_old = python({"encode", "--framing", "plain", "--schema", schema_file(1)}, json_lines(200, 100));
  ASSERT_EQ(framed_now.size() + framed_old.size() + plain_old.size(), 300u);
  std::vector<std::string> framed, plain;
  for (auto& l : framed_now) framed.push_back(unbase64(l));
  for (auto& l : framed_old) framed.push_back(unbase64(l));
  for (auto& l : plain_old) plain.push_back(unbase64(l));
  wt::produce_raw(kafka.bootstrap(), "framed", framed);
  wt::produce_raw(kafka.bootstrap(), "plain", plain);

  Running framed_writer(writer_yaml(kafka.bootstrap(), "framed", "schema_registry: \"" + registry.url() + "\""));
  Running plain_writer(
      writer_yaml(kafka.bootstrap(), "plain", "avro_framing: plain, avro_schema: \"" + schema_file(1) + "\"", "plain-writers"));
  ASSERT_TRUE(wt::wait_until([&] { return framed_writer.seen.unique() + plain_writer.seen.unique() >= 300; },
                             std::chrono::seconds(60)))
      << framed_writer.seen.unique() << " + " << plain_writer.seen.unique();
  auto seen = seen_by_id(framed_writer.seen);
  for (auto& [id, j] : seen_by_id(plain_writer.seen)) seen[id] = j;
  EXPECT_EQ(seen.size(), 300u);
  for (auto& [id, want] : expected) {
    ASSERT_TRUE(seen.count(id)) << "lost " << id;
    EXPECT_EQ(seen[id], want) << "watchpost's reading differs from what Python wrote";
  }
  EXPECT_EQ(framed_writer.stop(), 0);
  EXPECT_EQ(plain_writer.stop(), 0);
}

TEST(KafkaAvro, UndecodableMessagesAreDeadLetteredByReasonAndGoodOnesFlow) {
  MockKafka kafka(1);
  kafka.create_topic("results", 1, 1);
  kafka.create_topic("results-dlq", 1, 1);
  Registry registry;
  auto good = wt::produce(kafka.bootstrap(), "results", 0, 2, {{"format", "avro"}, {"schema_registry", registry.url()}});
  auto schema = nlohmann::json::parse(wt::read_file(schema_file(wt::kCurrentResultSchema)));
  schema["fields"].erase(1);  // no target_id: not a result this watchpost can read
  uint32_t incompatible = registry.add("results-value", schema.dump());
  auto first = wt::read_topic(kafka.bootstrap(), "results", 1);
  ASSERT_EQ(first.size(), 1u);
  std::string datum = first[0].payload.substr(5);
  auto framed = [&](uint32_t id, const std::string& body) {
    std::string m("\0", 1);
    for (int s = 24; s >= 0; s -= 8) m += static_cast<char>((id >> s) & 0xFF);
    return m + body;
  };
  wt::produce_raw(kafka.bootstrap(), "results",
                  {"{\"schema_version\":1}", framed(999, datum), framed(incompatible, datum), first[0].payload + "zz"});
  auto more = wt::produce(kafka.bootstrap(), "results", 2, 2, {{"format", "avro"}, {"schema_registry", registry.url()}});
  Running writer(writer_yaml(kafka.bootstrap(), "results", "schema_registry: \"" + registry.url() +
                                                               "\", dead_letter_topic: results-dlq"));
  ASSERT_TRUE(wt::wait_until([&] { return writer.seen.unique() == 4; }, std::chrono::seconds(30)));
  for (auto& id : more) EXPECT_TRUE(writer.seen.has(id)) << "messages after the bad ones still flow";
  auto dead = wt::read_topic(kafka.bootstrap(), "results-dlq", 4);
  ASSERT_EQ(dead.size(), 4u);
  EXPECT_EQ(dead[0].headers["x-watchpost-error"], "not Confluent-framed Avro (no magic byte 0 and schema id)");
  EXPECT_EQ(dead[1].headers["x-watchpost-error"], "schema id 999 is not in the schema registry");
  EXPECT_EQ(dead[2].headers["x-watchpost-error"],
            "schema id " + std::to_string(incompatible) +
                " cannot be read as a result: field 'target_id' is missing and has no default");
  EXPECT_EQ(dead[3].headers["x-watchpost-error"], "bytes left after the Avro datum");
  EXPECT_EQ(dead[1].payload, framed(999, datum)) << "the copy is the message as it was";
  EXPECT_EQ(writer.stop(), 0);
}

// A registry that is down is an outage, not bad data: the sink's batches wait in the spool and
// the source's messages wait in Kafka; nothing is dead-lettered, everything arrives after.
TEST(KafkaAvro, ARegistryThatIsDownDelaysResultsAndLosesNone) {
  MockKafka kafka(1);
  kafka.create_topic("results", 2, 1);
  kafka.create_topic("results-dlq", 1, 1);
  uint16_t port = wt::free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::string sink = "checker/kafka_sink";
  double errors_before = plugin_metric("schema_registry_errors", sink);
  std::set<std::string> checked;
  {
    Running checker("pipelines:\n  - name: checker\n    probe: {plugin: cprobe, interval: 1s}\n"
                    "    targets: [{id: a, name: a}, {id: b, name: b}]\n"
                    "    sinks: [{plugin: kafka_sink, brokers: \"" + kafka.bootstrap() +
                    "\", topic: results, format: avro, schema_registry: \"" + url +
                    "\", schema_registry_timeout: 1s, max_retry_delay: 500ms, batch_delay: 50ms}]\n");
    ASSERT_TRUE(wt::wait_until([&] { return plugin_metric("schema_registry_errors", sink) >= errors_before + 2; },
                               std::chrono::seconds(30)))
        << "the sink should be asking the registry and retrying";
    Registry registry(port);
    ASSERT_TRUE(wt::wait_until([&] { return checker.seen.unique() >= 8; }, std::chrono::seconds(30)));
    EXPECT_EQ(checker.stop(), 0);
    checked = checker.seen.ids();
  }
  // The registry is gone again (its ids with it, until the sink's schema is registered anew).
  const std::string source = "writer/kafka_source";
  double source_errors_before = plugin_metric("schema_registry_errors", source);
  double dead_before = plugin_metric("dead_lettered", source);
  Running writer(writer_yaml(kafka.bootstrap(), "results", "schema_registry: \"" + url +
                                                               "\", schema_registry_timeout: 1s, dead_letter_topic: results-dlq"));
  ASSERT_TRUE(wt::wait_until([&] { return plugin_metric("schema_registry_errors", source) >= source_errors_before + 2; },
                             std::chrono::seconds(30)));
  EXPECT_EQ(writer.seen.unique(), 0u);
  Registry registry(port);
  registry.add("results-value", wt::read_file(schema_file(wt::kCurrentResultSchema)));
  ASSERT_TRUE(wt::wait_until([&] { return writer.seen.unique() >= checked.size(); }, std::chrono::seconds(30)))
      << writer.seen.unique() << " of " << checked.size();
  for (auto& id : checked) EXPECT_TRUE(writer.seen.has(id)) << "lost " << id;
  EXPECT_EQ(plugin_metric("dead_lettered", source), dead_before) << "an outage is not bad data";
  EXPECT_EQ(writer.stop(), 0);
}

// A registry that takes the connection and never answers (an idle attacker, a hung proxy)
// costs each try its `schema_registry_timeout`, no more: the sink keeps retrying, a SIGTERM
// still ends the process, and the URL's password never reaches the log.
TEST(KafkaAvro, ASilentRegistryTimesOutEachTryAndItsPasswordIsNeverLogged) {
  MockKafka kafka(1);
  kafka.create_topic("results", 1, 1);
  int silent = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(silent, 64), 0);  // the kernel completes handshakes; nobody ever reads
  ASSERT_EQ(getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/c.yaml",
                 "pipelines:\n  - name: checker\n    probe: {plugin: cprobe, interval: 1s}\n"
                 "    targets: [{id: a, name: a}]\n"
                 "    sinks: [{plugin: kafka_sink, brokers: \"" + kafka.bootstrap() + "\", topic: results, format: avro, "
                 "schema_registry: \"http://ops:s3cret-pw@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
                 "\", schema_registry_timeout: 1s, max_retry_delay: 500ms}]\n");
  wt::ChildProcess run({WATCHPOST_BIN, "run", dir + "/c.yaml", "--plugin-dir", WATCHPOST_PLUGIN_DIR, "--plugin-dir",
                        TEST_PLUGIN_DIR, "--log-level", "debug", "--drain-timeout", "3s"});
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(wt::wait_until(
      [&] {
        std::string err = run.err_so_far();
        size_t first = err.find("schema registry http://");
        return first != std::string::npos && err.find("schema registry http://", first + 1) != std::string::npos;
      },
      std::chrono::seconds(20)))
      << run.err_so_far().substr(0, 3000);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15))
      << "two tries of 1 s each, with backoff, need far less than 15 s";
  run.signal(SIGTERM);
  auto ended = run.wait(std::chrono::seconds(30));
  close(silent);
  EXPECT_EQ(ended.exit_code, 0) << "a hung registry does not hang the shutdown past the drain deadline";
  std::string said;
  for (size_t at = ended.err.find("schema registry http://"); at != std::string::npos && said.size() < 2000;
       at = ended.err.find("schema registry http://", at + 1))
    said += ended.err.substr(at, ended.err.find('\n', at) - at) + "\n";
  EXPECT_NE(said.find("Timeout was reached"), std::string::npos) << said;
  EXPECT_NE(said.find("schema registry http://***@127.0.0.1:"), std::string::npos) << "credentials masked: " << said;
  EXPECT_EQ(ended.err.find("s3cret-pw"), std::string::npos) << "the registry's password is logged";
  EXPECT_EQ(ended.out.find("s3cret-pw"), std::string::npos);
}

TEST(KafkaAvro, AvroOptionsAreCheckedAtLoadNamingTheOption) {
  std::string dir = wt::temp_dir();
  auto error_of = [&](const std::string& sink_options) {
    wt::write_file(dir + "/c.yaml", "pipelines:\n  - probe: {plugin: cprobe}\n    targets: [{id: x, name: x}]\n"
                                    "    sinks: [{plugin: kafka_sink, brokers: \"127.0.0.1:9\", topic: t, " +
                                        sink_options + "}]\n");
    try {
      load_config(dir + "/c.yaml", wt::test_catalog());
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of("format: avro").find("'schema_registry': confluent framing needs exactly one of"), std::string::npos)
      << error_of("format: avro");
  EXPECT_NE(error_of("format: avro, avro_framing: plain, schema_id: 3").find("'schema_id': plain framing carries no schema id"),
            std::string::npos);
  EXPECT_NE(error_of("format: avro, schema_registry: \"ftp://x\"").find("must be an http:// or https:// URL"),
            std::string::npos);
  EXPECT_NE(error_of("format: xml").find("xml"), std::string::npos);
  EXPECT_EQ(error_of("format: avro, schema_id: 3"), "accepted");
  wt::write_file(dir + "/w.yaml", "pipelines:\n  - name: w\n    source: {plugin: kafka_source, brokers: \"127.0.0.1:9\", "
                                  "topics: t, group: g, format: avro, avro_framing: plain, avro_schema: \"" +
                                      dir + "/missing.avsc\"}\n    sinks: [{plugin: chaos}]\n");
  try {
    load_config(dir + "/w.yaml", wt::test_catalog());
    ADD_FAILURE() << "a missing writer schema file must be refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'avro_schema': cannot read"), std::string::npos) << e.what();
  }
}
