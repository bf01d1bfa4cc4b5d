// The fleet: checker processes of one consumer group split the catalogue topic (kafka_targets)
// — exact accounting by target and slot across their outputs, a checker killed, one added, a
// catalogue change followed. Real processes on the dev broker (librdkafka's mock cluster).
#include "avro_tools.hpp"
#include "http_target.hpp"
#include "mock_kafka.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace wt = watchpost::testing;
using watchpost::devbroker::MockKafka;

namespace {

using Clock = std::chrono::system_clock;

int64_t now_ms() { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count(); }

// Puts definitions (or tombstones, for an empty optional) on the catalogue topic, keyed by id.
class Catalogue {
 public:
  explicit Catalogue(const std::string& bootstrap) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  }
  ~Catalogue() { rd_kafka_destroy(producer_); }
  void put(const std::string& id, const std::string* definition) {
    rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC("watchpost.targets"), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                      RD_KAFKA_V_KEY(id.data(), id.size()),
                      RD_KAFKA_V_VALUE(definition ? const_cast<char*>(definition->data()) : nullptr,
                                       definition ? definition->size() : 0),
                      RD_KAFKA_V_END);
  }
  void flush() { ASSERT_EQ(rd_kafka_flush(producer_, 10000), RD_KAFKA_RESP_ERR_NO_ERROR); }

 private:
  rd_kafka_t* producer_ = nullptr;
};

// Targets t0..t(n-1) on the no-op probe (cprobe), each under its id.
void put_targets(const std::string& bootstrap, int n) {
  Catalogue cat(bootstrap);
  for (int i = 0; i < n; ++i) {
    std::string def = "{\"name\": \"t" + std::to_string(i) + "\"}";
    cat.put("t" + std::to_string(i), &def);
  }
  cat.flush();
}

// One checker process writing its results as JSON lines to a file of its own.
struct Checker {
  std::string out;
  std::unique_ptr<wt::ChildProcess> process;
};

// `targets_options`: more of kafka_targets' options, as YAML flow mapping entries.
std::unique_ptr<Checker> start_checker(const std::string& dir, const std::string& bootstrap, int n,
                                       const std::string& region = "", const std::string& targets_options = "",
                                       const std::string& probe = "cprobe") {
  auto c = std::make_unique<Checker>();
  c->out = dir + "/checker" + std::to_string(n) + ".jsonl";
  std::string config = dir + "/checker" + std::to_string(n) + ".yaml";
  wt::write_file(config, "node: checker" + std::to_string(n) + (region.empty() ? "" : "\nregion: " + region) +
                             "\npipelines:\n  - name: fleet\n"
                             "    targets: {plugin: kafka_targets, brokers: \"" + bootstrap +
                             "\", session_timeout: 3s, " + targets_options +
                             (targets_options.empty() ? "" : ", ") + "properties: {topic.metadata.refresh.interval.ms: \"1000\"}}\n"
                             "    probe: {plugin: " + probe + ", interval: 1s}\n"
                             "    sinks: [{plugin: stdout, format: json, path: \"" + c->out + "\", batch_delay: 20ms}]\n");
  c->process = std::make_unique<wt::ChildProcess>(
      std::vector<std::string>{WATCHPOST_BIN, "run", config, "--plugin-dir", WATCHPOST_PLUGIN_DIR, "--plugin-dir",
                               TEST_PLUGIN_DIR, "--log-format", "json"});
  return c;
}

std::vector<std::unique_ptr<Checker>> start_checkers(const std::string& dir, const std::string& bootstrap, int n) {
  std::vector<std::unique_ptr<Checker>> checkers;
  for (int i = 0; i < n; ++i) checkers.push_back(start_checker(dir, bootstrap, i));
  return checkers;
}

std::vector<std::string> outputs(const std::vector<std::unique_ptr<Checker>>& checkers) {
  std::vector<std::string> files;
  for (auto& c : checkers) files.push_back(c->out);
  return files;
}

struct Check {
  std::string node;
  int64_t slot_ms;
  std::string region;
};

// Every result of every checker: target -> its checks, in no particular order.
std::map<std::string, std::vector<Check>> results(const std::vector<std::string>& files) {
  std::map<std::string, std::vector<Check>> out;
  for (auto& f : files) {
    std::ifstream in(f);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;  // a line being written as we read
      auto at = j.value("scheduled_at", std::string());
      // RFC 3339 with milliseconds, UTC: the slot in ms since the epoch.
      std::tm tm{};
      std::istringstream ss(at.substr(0, 19));
      ss >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
      int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000 + std::stoi(at.substr(20, 3));
      out[j.value("target_id", std::string())].push_back({j.value("node", std::string()), ms, j.value("region", std::string())});
    }
  }
  return out;
}

// Checks of one target whose slot lies in [from, to): sorted slots.
std::vector<int64_t> slots_in(const std::vector<Check>& checks, int64_t from, int64_t to) {
  std::vector<int64_t> s;
  for (auto& c : checks)
    if (c.slot_ms >= from && c.slot_ms < to) s.push_back(c.slot_ms);
  std::sort(s.begin(), s.end());
  return s;
}

// Problems of one target in [from, to): duplicate slots, and gaps (a step over the 1 s interval)
// outside [excused_from, excused_to).
std::string problems(const std::vector<int64_t>& slots, int64_t from, int64_t to, int64_t excused_from = 0,
                     int64_t excused_to = 0) {
  std::string why;
  for (size_t i = 1; i < slots.size(); ++i) {
    if (slots[i] == slots[i - 1]) why += " duplicate@" + std::to_string(slots[i]);
    else if (slots[i] - slots[i - 1] > 1000 && !(slots[i] > excused_from && slots[i - 1] < excused_to))
      why += " gap " + std::to_string(slots[i - 1]) + ".." + std::to_string(slots[i]);
  }
  if (slots.empty() || slots.front() >= from + 1000 || slots.back() < to - 1000) why += " missing at an end";
  return why;
}

// Every target checked in the last two seconds, each by one checker only, and `nodes` checkers
// sharing them.
bool split_between(const std::vector<std::string>& files, size_t targets, size_t nodes) {
  auto r = results(files);
  if (r.size() < targets) return false;
  int64_t since = now_ms() - 2000;
  std::set<std::string> all;
  for (auto& [id, checks] : r) {
    std::set<std::string> by;
    for (auto& c : checks) if (c.slot_ms >= since) by.insert(c.node);
    if (by.size() != 1) return false;
    all.insert(*by.begin());
  }
  return all.size() == nodes;
}

// What the catalogue topic holds: the last value per key, tombstones removed.
std::map<std::string, std::string> topic_state(const std::string& bootstrap, int partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "test-reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, "watchpost.targets", p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::map<std::string, std::string> state;
  std::set<int32_t> at_end;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (static_cast<int>(at_end.size()) < partitions && std::chrono::steady_clock::now() < give_up) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) at_end.insert(m->partition);
    else if (!m->err && m->key) {
      std::string id(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) state[id] = std::string(static_cast<const char*>(m->payload), m->len);
      else state.erase(id);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  EXPECT_EQ(static_cast<int>(at_end.size()), partitions) << "every partition read to its end";
  return state;
}

}  // namespace

TEST(Fleet, ThePublisherMirrorsTheCatalogueAndTombstonesWhatWasDeletedWhileItWasStopped) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 4, 1);
  auto targets = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {WATCHPOST_BIN, "targets"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--dsn", pg.dsn()});
    return wt::run_process(argv, std::chrono::seconds(60));
  };
  for (std::string id : {"a", "b", "c"})
    ASSERT_EQ(targets({"add", "--id", id, "--url", "http://127.0.0.1:9/" + id}).exit_code, 0);
  ASSERT_EQ(targets({"add", "--id", "off", "--url", "http://127.0.0.1:9/off", "--disabled"}).exit_code, 0);
  auto publish = [&] { return targets({"publish", "--brokers", kafka.bootstrap()}); };

  auto first = publish();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("3 written, 0 deleted, 0 unchanged"), std::string::npos) << first.out;
  auto state = topic_state(kafka.bootstrap(), 4);
  ASSERT_EQ(state.size(), 3u) << "a disabled target is not published";
  auto def = nlohmann::json::parse(state["b"]);
  EXPECT_EQ(def.value("url", std::string()), "http://127.0.0.1:9/b") << state["b"];

  auto again = publish();
  EXPECT_NE(again.out.find("0 written, 0 deleted, 3 unchanged"), std::string::npos) << "idempotent: " << again.out;

  // Deleted while no publisher ran: the next run reads the topic and tombstones it.
  ASSERT_EQ(targets({"remove", "--id", "b"}).exit_code, 0);
  ASSERT_EQ(targets({"update", "--id", "c", "--interval", "45s"}).exit_code, 0);
  auto reconciled = publish();
  EXPECT_NE(reconciled.out.find("1 written, 1 deleted, 1 unchanged"), std::string::npos) << reconciled.out;
  state = topic_state(kafka.bootstrap(), 4);
  EXPECT_EQ(state.count("b"), 0u) << "b has its tombstone";
  EXPECT_EQ(state.size(), 2u);
  EXPECT_NE(state["c"].find("45"), std::string::npos) << "c's new interval: " << state["c"];

  // Kept running (--every): changes are published as PostgreSQL announces them — the full
  // reconciliation is an hour away, so only the notifications can bring these. SIGTERM ends it.
  wt::ChildProcess follower({WATCHPOST_BIN, "targets", "publish", "--brokers", kafka.bootstrap(), "--every", "1h",
                             "--dsn", pg.dsn()});
  ASSERT_TRUE(wt::wait_until([&] { return follower.out_so_far().find("unchanged") != std::string::npos; },
                             std::chrono::seconds(30)));
  ASSERT_EQ(targets({"add", "--id", "d", "--url", "http://127.0.0.1:9/d"}).exit_code, 0);
  ASSERT_EQ(targets({"disable", "--id", "a"}).exit_code, 0);
  ASSERT_EQ(targets({"remove", "--id", "c"}).exit_code, 0);
  EXPECT_TRUE(wt::wait_until([&] {
    auto now = topic_state(kafka.bootstrap(), 4);
    return now.count("d") == 1 && now.count("a") == 0 && now.count("c") == 0;
  }, std::chrono::seconds(5))) << "added, disabled and removed targets reach the topic as they happen";
  // A maintenance window changes the definitions of the targets it chooses (docs/maintenance.md):
  // its one notification brings them all, with the window in them.
  auto window = wt::run_process({WATCHPOST_BIN, "maintenance", "add", "nightly", "--dsn", pg.dsn(), "--schedule",
                                 "0 3 * * *", "--duration", "30m", "--target", "d"});
  ASSERT_EQ(window.exit_code, 0) << window.err;
  EXPECT_TRUE(wt::wait_until([&] {
    auto now = topic_state(kafka.bootstrap(), 4);
    return now.count("d") == 1 && now["d"].find("nightly") != std::string::npos;
  }, std::chrono::seconds(5))) << "the window reaches the topic with the target it chooses";
  EXPECT_EQ(topic_state(kafka.bootstrap(), 4)["b"].find("nightly"), std::string::npos) << "and no other";
  follower.signal(SIGTERM);
  auto ended = follower.wait(std::chrono::seconds(10));
  EXPECT_EQ(ended.exit_code, 0) << ended.err;

  auto no_brokers = targets({"publish"});
  EXPECT_NE(no_brokers.exit_code, 0);
  EXPECT_NE(no_brokers.err.find("--brokers"), std::string::npos) << no_brokers.err;
}

// The catalogue topic in Avro (issue 18): published from PostgreSQL as target records under a
// registered schema, read by a checker, and by Apache Avro's Python library field for field.
TEST(Fleet, AnAvroCatalogueIsPublishedCheckedAndReadableByPythonsAvro) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 2, 1);
  wt::SchemaRegistry registry;
  auto targets = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {WATCHPOST_BIN, "targets"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--dsn", pg.dsn()});
    return wt::run_process(argv, std::chrono::seconds(60));
  };
  ASSERT_EQ(targets({"add", "--id", "a", "--url", "http://127.0.0.1:9/a", "--interval", "1s", "--label", "team=web",
                     "--expect-status", "200", "--match", "ok"})
                .exit_code,
            0);
  ASSERT_EQ(targets({"add", "--id", "b", "--url", "http://127.0.0.1:9/b", "--interval", "1s", "--timeout", "800ms",
                     "--attempts", "2", "--option", "max_redirects=3"})
                .exit_code,
            0);
  auto publish = [&] {
    return targets({"publish", "--brokers", kafka.bootstrap(), "--format", "avro", "--schema-registry", registry.url()});
  };
  auto first = publish();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("2 written, 0 deleted, 0 unchanged"), std::string::npos) << first.out;
  auto again = publish();
  EXPECT_NE(again.out.find("0 written, 0 deleted, 2 unchanged"), std::string::npos)
      << "the topic's Avro values are read back as definitions, so a run is idempotent: " << again.out << again.err;
  EXPECT_EQ(wt::http_get(registry.url() + "/subjects").second, "[\"watchpost.targets-value\"]");

  auto state = topic_state(kafka.bootstrap(), 2);
  ASSERT_EQ(state.size(), 2u);
  if (!wt::python_avro_missing()) {
    auto decoded = wt::avro_interop({"decode", "--registry", registry.url(), "--raw"},
                                    {wt::base64(state["a"]), wt::base64(state["b"])});
    ASSERT_EQ(decoded.size(), 2u);
    auto a = nlohmann::json::parse(decoded[0]), b = nlohmann::json::parse(decoded[1]);
    EXPECT_EQ(a["url"], "http://127.0.0.1:9/a");
    EXPECT_EQ(a["interval_ms"], 1000);
    EXPECT_EQ(a["labels"], nlohmann::json({{"team", "web"}}));
    EXPECT_EQ(a["expected_status"], nlohmann::json({"200"}));
    EXPECT_EQ(a["must_match"], "ok");
    EXPECT_EQ(a["must_not_match"], nullptr);
    EXPECT_EQ(b["timeout_ms"], 800);
    EXPECT_EQ(b["attempts"], 2);
    EXPECT_EQ(b["options"], nlohmann::json({{"max_redirects", "\"3\""}})) << "each value as JSON text: " << decoded[1];
  }

  std::string dir = wt::temp_dir();
  // The http probe, which takes every catalogue column (127.0.0.1:9 refuses: results are down).
  auto checker =
      start_checker(dir, kafka.bootstrap(), 0, "", "format: avro, schema_registry: \"" + registry.url() + "\"", "http");
  ASSERT_TRUE(wt::wait_until([&] { auto r = results({checker->out}); return r.count("a") && r.count("b"); },
                             std::chrono::seconds(30)))
      << "the checker reads the Avro catalogue and checks both targets: " << checker->process->err_so_far().substr(0, 3000);
  ASSERT_EQ(targets({"remove", "--id", "b"}).exit_code, 0);
  auto removed = publish();
  EXPECT_NE(removed.out.find("0 written, 1 deleted, 1 unchanged"), std::string::npos) << removed.out;
  checker->process->signal(SIGTERM);
  auto ended = checker->process->wait();
  EXPECT_EQ(ended.exit_code, 0) << ended.err.substr(0, 2000);

  auto both = targets({"publish", "--brokers", kafka.bootstrap(), "--format", "avro", "--schema-id", "1",
                       "--schema-registry", registry.url()});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("--schema-id: confluent framing needs exactly one of"), std::string::npos) << both.err;
}

// A registry that does not answer is an outage: the checker's catalogue waits in Kafka (nothing
// skipped) and is read once the registry is back.
TEST(Fleet, AnAvroCatalogueWaitsForItsRegistryAndSkipsNothing) {
  if (wt::python_avro_missing()) GTEST_SKIP() << "python3-avro is not installed (scripts/install-deps.sh installs it)";
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 1, 1);
  uint16_t port = wt::free_port();
  std::string id_text;
  {
    wt::SchemaRegistry registry(port);
    auto id = registry.add("watchpost.targets-value", wt::read_file(wt::target_schema_file()));
    id_text = std::to_string(id);
  }
  // A target record as Python's Avro writes it, framed with the registered id.
  auto datum = wt::avro_interop({"encode-target", "--schema", wt::target_schema_file(), "--id", id_text},
                                {R"({"url": "http://127.0.0.1:9/", "labels": {}, "interval_ms": 1000})"});
  ASSERT_EQ(datum.size(), 1u);
  Catalogue cat(kafka.bootstrap());
  std::string value = wt::unbase64(datum[0]);
  cat.put("a", &value);
  cat.flush();
  std::string dir = wt::temp_dir();
  auto checker = start_checker(dir, kafka.bootstrap(), 0, "",
                               "format: avro, schema_registry_timeout: 1s, schema_registry: \"http://127.0.0.1:" +
                                   std::to_string(port) + "\"",
                               "http");
  ASSERT_TRUE(wt::wait_until([&] { return checker->process->err_so_far().find("until it answers") != std::string::npos; },
                             std::chrono::seconds(30)))
      << checker->process->err_so_far().substr(0, 3000);
  EXPECT_EQ(results({checker->out}).count("a"), 0u);
  wt::SchemaRegistry registry(port);
  ASSERT_EQ(std::to_string(registry.add("watchpost.targets-value", wt::read_file(wt::target_schema_file()))), id_text);
  EXPECT_TRUE(wt::wait_until([&] { return results({checker->out}).count("a") == 1; }, std::chrono::seconds(30)))
      << "read once the registry answers";
  checker->process->signal(SIGTERM);
  auto ended = checker->process->wait();
  EXPECT_EQ(ended.err.find("skipping target 'a'"), std::string::npos) << "an outage skips nothing";
}

TEST(Fleet, CheckersSplitTheCatalogueEverySlotOnceThroughAKillAndAJoin) {
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 12, 1);
  constexpr int kTargets = 1000;
  put_targets(kafka.bootstrap(), kTargets);
  std::string dir = wt::temp_dir();
  auto checkers = start_checkers(dir, kafka.bootstrap(), 3);
  auto files = outputs(checkers);

  ASSERT_TRUE(wt::wait_until([&] { return split_between(files, kTargets, 3); }, std::chrono::seconds(60)))
      << "three checkers should split the catalogue between them";
  int64_t steady_from = now_ms();
  std::set<std::string> nodes_used;
  ASSERT_TRUE(wt::wait_until([&] { return now_ms() >= steady_from + 8000; }, std::chrono::seconds(20)));
  int64_t steady_to = now_ms() - 1500;  // what is written by now, with a margin for batching
  auto r = results(files);
  ASSERT_EQ(r.size(), static_cast<size_t>(kTargets));
  for (auto& [id, checks] : r) {
    EXPECT_EQ(problems(slots_in(checks, steady_from, steady_to), steady_from, steady_to), "") << id;
    for (auto& c : checks) nodes_used.insert(c.node);
  }
  EXPECT_EQ(nodes_used.size(), 3u) << "all three checkers took a share";

  // SIGKILL one: its partitions move to the others within the failover bound (session 3 s).
  std::map<std::string, std::string> owner;  // target -> the node that checked it last
  for (auto& [id, checks] : results(files)) {
    auto last = std::max_element(checks.begin(), checks.end(), [](auto& a, auto& b) { return a.slot_ms < b.slot_ms; });
    owner[id] = last->node;
  }
  int64_t killed_at = now_ms();
  checkers[0]->process->signal(SIGKILL);
  checkers[0]->process->wait();
  constexpr int64_t kFailoverBound = 10'000;
  ASSERT_TRUE(wt::wait_until([&] { return now_ms() >= killed_at + kFailoverBound + 6000; }, std::chrono::seconds(30)));
  int64_t after_kill_to = now_ms() - 1500;
  r = results(files);
  size_t moved = 0;
  for (auto& [id, checks] : r) {
    bool was_killed = owner[id] == "checker0";
    moved += was_killed;
    // The killed checker's last batch may be lost with it: gaps excused from a second before.
    EXPECT_EQ(problems(slots_in(checks, steady_from, after_kill_to), steady_from, after_kill_to,
                       was_killed ? killed_at - 1000 : 0, was_killed ? killed_at + kFailoverBound : 0),
              "")
        << id << (was_killed ? " (moved from the killed checker)" : " (its checker lived)");
  }
  EXPECT_GT(moved, 0u);
  // The failover gap, for the record: from the kill to the first check of a moved target.
  int64_t worst = 0;
  for (auto& [id, checks] : r) {
    if (owner[id] != "checker0") continue;
    auto slots = slots_in(checks, killed_at, after_kill_to);
    if (!slots.empty()) worst = std::max(worst, slots.front() - killed_at);
  }
  std::printf("fleet: %zu of %d targets moved from the killed checker; the last was checked again %.1f s after the kill\n",
              moved, kTargets, static_cast<double>(worst) / 1000);
  EXPECT_LE(worst, kFailoverBound);

  // A fourth joins: partitions move to it, and no slot is checked twice meanwhile.
  int64_t joined_at = now_ms();
  checkers.push_back(start_checker(dir, kafka.bootstrap(), 3));
  files.push_back(checkers.back()->out);
  ASSERT_TRUE(wt::wait_until([&] {
    std::ifstream in(checkers.back()->out);
    std::string line;
    return static_cast<bool>(std::getline(in, line));
  }, std::chrono::seconds(30))) << "the fourth checker should be given a share";
  ASSERT_TRUE(wt::wait_until([&] { return now_ms() >= joined_at + 12000; }, std::chrono::seconds(30)));
  int64_t end = now_ms() - 1500;
  for (auto& [id, checks] : results(files)) {
    auto slots = slots_in(checks, joined_at - 2000, end);
    for (size_t i = 1; i < slots.size(); ++i) EXPECT_NE(slots[i], slots[i - 1]) << id << " checked twice in one slot";
  }
  for (auto& c : checkers)
    if (c != checkers[0]) c->process->signal(SIGTERM);
  for (size_t i = 1; i < checkers.size(); ++i) EXPECT_EQ(checkers[i]->process->wait().exit_code, 0);
}

TEST(Fleet, ACatalogueChangeReachesItsCheckerWithinTwoSeconds) {
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 4, 1);
  Catalogue cat(kafka.bootstrap());
  std::string a = "{\"name\": \"a\"}";
  cat.put("a", &a);
  cat.flush();
  std::string dir = wt::temp_dir();
  auto checker = start_checker(dir, kafka.bootstrap(), 0);
  auto seen_since = [&](const std::string& id, int64_t since) {
    auto r = results({checker->out});
    auto it = r.find(id);
    if (it == r.end()) return false;
    for (auto& c : it->second) if (c.slot_ms >= since) return true;
    return false;
  };
  ASSERT_TRUE(wt::wait_until([&] { return seen_since("a", 0); }, std::chrono::seconds(30)));

  int64_t added = now_ms();
  std::string b = "{\"name\": \"b\"}";
  cat.put("b", &b);
  cat.flush();
  // Its first slot comes within an interval (1 s) of its arrival, so 2 s + 1 s bounds it.
  EXPECT_TRUE(wt::wait_until([&] { return seen_since("b", added); }, std::chrono::seconds(3)))
      << "an added target is checked within 2 s (plus its first slot)";

  // An update: the new definition's label is on the results within 2 s (plus a slot).
  std::string b2 = "{\"name\": \"b\", \"labels\": {\"version\": \"2\"}}";
  cat.put("b", &b2);
  cat.flush();
  // No result of b had the label before, so any that has it comes from the new definition.
  auto labelled = [&] {
    std::ifstream in(checker->out);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("target_id", std::string()) == "b" && j.contains("labels") &&
          j["labels"].is_object() && j["labels"].value("version", std::string()) == "2")
        return true;
    }
    return false;
  };
  EXPECT_TRUE(wt::wait_until(labelled, std::chrono::seconds(3)))
      << "an updated target is checked with its new definition within 2 s (plus its slot)";

  // Poison: a definition the core refuses, and one that is not even JSON. Each is skipped
  // (named in the log), and checking goes on.
  std::string bad = "{\"name\": \"bad\", \"url\": \"http://ops:hunter2@127.0.0.1:9/\", \"interval\": \"soon\"}";
  cat.put("bad", &bad);
  std::string garbage = "\x01{{{ not yaml";
  cat.put("garbage", &garbage);
  cat.flush();

  cat.put("a", nullptr);  // tombstone
  cat.flush();
  int64_t deleted = now_ms();
  ASSERT_TRUE(wt::wait_until([&] { return seen_since("b", deleted + 2500); }, std::chrono::seconds(10)));
  EXPECT_FALSE(seen_since("a", deleted + 2000)) << "a deleted target stops within 2 s";
  EXPECT_FALSE(seen_since("bad", 0));
  EXPECT_FALSE(seen_since("garbage", 0));
  checker->process->signal(SIGTERM);
  auto ended = checker->process->wait();
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_NE(ended.err.find("skipping target 'bad'"), std::string::npos) << ended.err.substr(0, 3000);
  EXPECT_EQ(ended.err.find("hunter2"), std::string::npos) << "a refused definition's URL password is not logged";
  EXPECT_NE(ended.err.find("skipping target 'garbage'"), std::string::npos);
}

TEST(Fleet, EachRegionIsAGroupOfItsOwnAndChecksEveryTargetInTheSameSlots) {
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 4, 1);
  constexpr int kTargets = 100;
  put_targets(kafka.bootstrap(), kTargets);
  std::string dir = wt::temp_dir();
  auto eu = start_checker(dir, kafka.bootstrap(), 0, "eu-west");
  auto us = start_checker(dir, kafka.bootstrap(), 1, "us-east");
  std::vector<std::string> files = {eu->out, us->out};
  ASSERT_TRUE(wt::wait_until([&] {
    auto r = results(files);
    if (r.size() < kTargets) return false;
    for (auto& [id, checks] : r) {
      std::set<std::string> regions;
      for (auto& c : checks) regions.insert(c.region);
      if (regions.size() != 2) return false;
    }
    return true;
  }, std::chrono::seconds(60))) << "both regions check every target (each region is a group of its own)";
  int64_t from = now_ms();
  ASSERT_TRUE(wt::wait_until([&] { return now_ms() >= from + 4000; }, std::chrono::seconds(10)));
  int64_t to = now_ms() - 1500;
  for (auto& [id, checks] : results(files)) {
    std::map<std::string, std::vector<int64_t>> by_region;
    for (auto& c : checks) {
      EXPECT_EQ(c.node, c.region == "eu-west" ? "checker0" : "checker1") << "the result says where it was checked";
      if (c.slot_ms >= from && c.slot_ms < to) by_region[c.region].push_back(c.slot_ms);
    }
    for (auto& [region, slots] : by_region) std::sort(slots.begin(), slots.end());
    EXPECT_EQ(by_region["eu-west"], by_region["us-east"]) << id << ": the same slots from both regions";
    EXPECT_GE(by_region["eu-west"].size(), 2u) << id;
  }
  eu->process->signal(SIGTERM);
  us->process->signal(SIGTERM);
  EXPECT_EQ(eu->process->wait().exit_code, 0);
  EXPECT_EQ(us->process->wait().exit_code, 0);
}

TEST(Fleet, CheckersKeepCheckingThroughAKafkaOutageAndSplitAgainAfterIt) {
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 4, 1);
  constexpr int kTargets = 100;
  put_targets(kafka.bootstrap(), kTargets);
  auto checkers = start_checkers(wt::temp_dir(), kafka.bootstrap(), 2);
  auto files = outputs(checkers);
  auto split = [&] { return split_between(files, kTargets, 2); };
  ASSERT_TRUE(wt::wait_until(split, std::chrono::seconds(60))) << "two checkers should split the catalogue";

  // The broker goes away for longer than the session (3 s): both checkers lose the group.
  int64_t outage_from = now_ms();
  kafka.broker_down(1);
  auto lost = [&](Checker& c) { return c.process->err_so_far().find("lost the consumer group") != std::string::npos; };
  EXPECT_TRUE(wt::wait_until([&] { return lost(*checkers[0]) && lost(*checkers[1]); }, std::chrono::seconds(30)))
      << "each checker notices it lost the group:\n" << checkers[0]->process->err_so_far().substr(0, 4000);
  ASSERT_TRUE(wt::wait_until([&] { return now_ms() >= outage_from + 9000; }, std::chrono::seconds(20)));
  int64_t outage_to = now_ms() - 1500;
  for (auto& [id, checks] : results(files))
    EXPECT_EQ(problems(slots_in(checks, outage_from, outage_to), outage_from, outage_to), "")
        << id << ": checking goes on while Kafka is away (nothing checked twice either: each kept its own)";

  // Back: the group forms again and the checkers split the catalogue once more.
  kafka.broker_up(1);
  int64_t back_at = now_ms();
  ASSERT_TRUE(wt::wait_until(split, std::chrono::seconds(60))) << "the checkers split the catalogue again";
  int64_t settled = now_ms();
  std::printf("fleet: split again %.1f s after the broker came back\n", static_cast<double>(settled - back_at) / 1000);
  ASSERT_TRUE(wt::wait_until([&] { return now_ms() >= settled + 5000; }, std::chrono::seconds(10)));
  int64_t end = now_ms() - 1500;
  for (auto& [id, checks] : results(files)) {
    // No slot of the whole run missed; after the group settled, none checked twice.
    auto all = slots_in(checks, outage_from, end);
    std::string gaps;
    for (size_t i = 1; i < all.size(); ++i)
      if (all[i] - all[i - 1] > 1000) gaps += " gap " + std::to_string(all[i - 1]) + ".." + std::to_string(all[i]);
    EXPECT_EQ(gaps, "") << id;
    EXPECT_EQ(problems(slots_in(checks, settled, end), settled, end), "") << id << " after the group settled";
  }
  for (auto& c : checkers) c->process->signal(SIGTERM);
  for (auto& c : checkers) EXPECT_EQ(c->process->wait().exit_code, 0);
}

namespace {

// A checker of `region` probing over HTTP with a User-Agent naming its region, publishing to
// the results topic: the real layout of a regional checker.
std::unique_ptr<wt::ChildProcess> start_region_checker(const std::string& dir, const std::string& bootstrap,
                                                       const std::string& region, int n) {
  std::string node = region + "-" + std::to_string(n);
  std::string config = dir + "/" + node + ".yaml";
  wt::write_file(config, "node: " + node + "\nregion: " + region +
                             "\npipelines:\n  - name: web\n"
                             "    targets: {plugin: kafka_targets, brokers: \"" + bootstrap +
                             "\", session_timeout: 3s}\n"
                             "    probe: {plugin: http, interval: 1s, timeout: 800ms, user_agent: \"watchpost " + region +
                             "\"}\n"
                             "    sinks: [{plugin: kafka_sink, brokers: \"" + bootstrap +
                             "\", topic: watchpost.results, linger: 1ms}]\n");
  return std::make_unique<wt::ChildProcess>(std::vector<std::string>{
      WATCHPOST_BIN, "run", config, "--plugin-dir", WATCHPOST_PLUGIN_DIR, "--log-format", "json"});
}

}  // namespace

// The issue's verdict test with real processes: 3 regions of 2 checkers each, a writer with
// quorum 2. A site failing as seen from one region is degraded, from two is down; a region
// stopped is missing from the verdicts, which are still made from the others.
TEST(Fleet, ThreeRegionsOfTwoCheckersJudgeEachSlotByQuorum) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  MockKafka kafka(1);
  kafka.create_topic("watchpost.targets", 4, 1);
  kafka.create_topic("watchpost.results", 4, 1);
  watchpost::target::HttpTarget site;
  {
    Catalogue cat(kafka.bootstrap());
    std::map<std::string, std::string> paths = {
        {"fine", "/"}, {"eu-only", "/fail-for/eu-west"}, {"eu-and-us", "/fail-for/eu-west,us-east"}};
    for (auto& [id, path] : paths) {
      std::string def = "{\"url\": \"" + site.url(path) + "\"}";
      cat.put(id, &def);
    }
    cat.flush();
  }
  std::string dir = wt::temp_dir();
  std::string writer_config = dir + "/writer.yaml";
  wt::write_file(writer_config, "node: writer\npipelines:\n  - name: store\n"
                                "    source: {plugin: kafka_source, brokers: \"" + kafka.bootstrap() +
                                    "\", topics: watchpost.results, group: writers, commit_interval: 200ms}\n"
                                "    sinks: [{plugin: pg_sink, dsn: \"" + pg.dsn() +
                                    "\", quorum: 2, regions: [eu-west, us-east, ap-south], batch_delay: 50ms}]\n");
  wt::ChildProcess writer({WATCHPOST_BIN, "run", writer_config, "--plugin-dir", WATCHPOST_PLUGIN_DIR});
  std::map<std::string, std::vector<std::unique_ptr<wt::ChildProcess>>> regions;
  for (std::string region : {"eu-west", "us-east", "ap-south"})
    for (int n = 0; n < 2; ++n) regions[region].push_back(start_region_checker(dir, kafka.bootstrap(), region, n));

  // target -> "verdict down=… missing=…" of each slot at or after `since` with every region's word
  // in, or (for `complete` false) of every slot.
  pqxx::connection db(pg.dsn());
  auto verdicts = [&](int64_t since_ms, bool complete) {
    std::map<std::string, std::vector<std::string>> out;
    try {
      pqxx::work w(db);
      auto rows = w.exec("SELECT target_id, verdict || ' down=' || array_to_string(regions_down, ',') || ' missing=' || "
                         "array_to_string(regions_missing, ',') FROM verdicts WHERE scheduled_at >= to_timestamp(" +
                         std::to_string(static_cast<double>(since_ms) / 1000) + ")" +
                         (complete ? " AND cardinality(regions_missing) = 0" : "") + " ORDER BY scheduled_at");
      for (const auto& row : rows) out[row[0].as<std::string>()].push_back(row[1].as<std::string>());
    } catch (const pqxx::sql_error&) {
      // The writer has not made the table yet.
    }
    return out;
  };
  int64_t started = now_ms();
  ASSERT_TRUE(wt::wait_until([&] {
    auto v = verdicts(started, true);
    return v.size() == 3 && v["fine"].size() >= 3 && v["eu-only"].size() >= 3 && v["eu-and-us"].size() >= 3;
  }, std::chrono::seconds(90))) << "every region reports every target, and the writer judges their slots";
  for (auto& [id, slots] : verdicts(started, true)) {
    std::string expected = id == "fine"      ? "up down= missing="
                           : id == "eu-only" ? "degraded down=eu-west missing="
                                             : "down down=eu-west,us-east missing=";
    for (auto& v : slots) EXPECT_EQ(v, expected) << id << (id == "eu-only" ? " (one region of three, quorum 2)" : "");
  }

  // Each region's two checkers split the targets: both nodes of a region appear in its results.
  {
    pqxx::work w(db);
    auto nodes = w.exec("SELECT region, count(DISTINCT node) FROM check_results GROUP BY region ORDER BY region");
    ASSERT_EQ(nodes.size(), 3u);
    for (const auto& row : nodes) EXPECT_EQ(row[1].as<int>(), 2) << row[0].as<std::string>() << " has two checkers";
  }

  // ap-south stops: its slots are judged from the other two and say it is missing.
  for (auto& c : regions["ap-south"]) c->signal(SIGTERM);
  for (auto& c : regions["ap-south"]) EXPECT_EQ(c->wait().exit_code, 0);
  int64_t stopped = now_ms() + 1000;  // slots after the checkers' last
  ASSERT_TRUE(wt::wait_until([&] {
    auto v = verdicts(stopped, false);
    return v["fine"].size() >= 3 && v["eu-only"].size() >= 3 && v["eu-and-us"].size() >= 3;
  }, std::chrono::seconds(30)));
  for (auto& [id, slots] : verdicts(stopped, false)) {
    std::string expected = id == "fine"      ? "up down= missing=ap-south"
                           : id == "eu-only" ? "degraded down=eu-west missing=ap-south"
                                             : "down down=eu-west,us-east missing=ap-south";
    // The newest slot may still wait for its second region; the ones before it are complete.
    for (size_t i = 0; i + 1 < slots.size(); ++i) EXPECT_EQ(slots[i], expected) << id << " with ap-south stopped";
  }
  for (auto& [_, checkers] : regions)
    for (auto& c : checkers) c->signal(SIGTERM);
  writer.signal(SIGTERM);
  EXPECT_EQ(writer.wait().exit_code, 0);
}
