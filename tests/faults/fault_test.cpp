// Faults, each with the expected behaviour and exact accounting by result id:
// sinks that go away (PostgreSQL, Kafka, a failing plugin), processes killed mid-run, a torn
// spool on disk, and hostile HTTP targets.
#include "config/config.hpp"
#include "fault_helpers.hpp"
#include "http_target.hpp"
#include "plugins/loader.hpp"
#include "observe/metrics.hpp"
#include "mock_kafka.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "runtime_harness.hpp"
#include "runtime.hpp"
#include "delivery/spool/spool.hpp"
#include "results/ulid.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <pqxx/pqxx>

#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace watchpost;
namespace wt = watchpost::testing;

using Running = wt::RunningRuntime;
using namespace watchpost::faults;


// Fault: the sink fails for a while (60 RETRY answers, about 6 s). Expected: results beyond the queue
// go to the spool, checking goes on, and after recovery every result is written exactly
// once, each target's in schedule order.
TEST(Faults, ASinkThatIsDownSpoolsAndReplaysEverythingInOrder) {
  std::string dir = wt::temp_dir();
  std::string out = dir + "/accepted.txt";
  Running run("spool: {dir: \"" + dir + "/spool\"}\npipelines:\n  - name: spooling\n"
              "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(4) + "\n"
              "    sinks: [{plugin: chaos, mode: retry_then_ok, retries: 60, path: \"" + out +
              "\", queue_capacity: 2, batch_size: 5, batch_delay: 10ms, max_retry_delay: 100ms}]\n");
  const std::string spooled = "watchpost_spool_appended_total{sink=\"spooling/chaos\"}";
  ASSERT_TRUE(wt::wait_until([&] { return metrics().get(spooled) >= 4; }, std::chrono::seconds(30)))
      << "results must overflow to the spool while the sink is down";
  ASSERT_TRUE(wt::wait_until(
      [&] {
        auto got = ids_in_file(out, false);
        for (auto& id : run.seen.ids())
          if (!got.count(id)) return false;
        return run.seen.unique() >= 12;
      },
      std::chrono::seconds(60)));
  EXPECT_EQ(run.stop(), 0);
  auto got = ids_in_file(out, false);
  EXPECT_EQ(got.size(), run.seen.unique()) << "nothing lost, nothing twice";
  for (auto& id : run.seen.ids()) EXPECT_EQ(got.count(id), 1u) << id;
  // Result ids are ULIDs of the schedule slot: per target they must reach the sink in order.
  std::map<std::string, std::string> last;
  std::map<std::string, std::string> target_of;
  for (auto& [target, ids] : run.seen.by_target())
    for (auto& id : ids) target_of[id] = target;
  for (auto& line : lines_of(out)) {
    std::string& prev = last[target_of[line]];
    EXPECT_LT(prev.substr(0, 10), line.substr(0, 10) + "~") << "out of order for " << target_of[line];
    EXPECT_GE(line.substr(0, 10), prev.substr(0, 10));
    prev = line;
  }
  EXPECT_EQ(metrics().get("watchpost_spool_records{sink=\"spooling/chaos\"}"), 0) << "the spool drained";
}

// Fault: the checker is killed with SIGKILL while its sink is down, then restarted with the
// sink back. Expected: what was spooled is delivered after the restart, nothing is corrupt;
// only what sat in memory (at most queue_capacity + one batch) can be lost to SIGKILL.
TEST(Faults, SigkillWhileSpoolingThenRestartDeliversTheSpool) {
  std::string dir = wt::temp_dir();
  std::string all = dir + "/all.jsonl", accepted = dir + "/accepted.txt";
  auto yaml = [&](const std::string& chaos) {
    return "spool: {dir: \"" + dir + "/spool\", fsync: always}\npipelines:\n  - name: checker\n"
           "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(5) + "\n"
           "    sinks:\n"
           "      - {plugin: chaos, " + chaos + ", path: \"" + accepted + "\", queue_capacity: 1, batch_size: 1,"
           " batch_delay: 0ms, max_retry_delay: 200ms}\n"
           "      - {plugin: stdout, format: json, path: \"" + all + "\", batch_delay: 0ms}\n";
  };
  wt::write_file(dir + "/down.yaml", yaml("mode: retry_then_ok, retries: 1000000"));
  {
    wt::ChildProcess checker({WATCHPOST_BIN, "run", dir + "/down.yaml", "--plugin-dir", TEST_PLUGIN_DIR, "--log-format", "json"});
    ASSERT_TRUE(wt::wait_until([&] { return lines_of(all).size() >= 15; }, std::chrono::seconds(30)));
    checker.signal(SIGKILL);
    checker.wait();
  }
  auto before_kill = ids_in_file(all, true);
  EXPECT_TRUE(lines_of(accepted).empty());
  wt::write_file(dir + "/up.yaml", yaml("mode: ok"));
  wt::ChildProcess restarted({WATCHPOST_BIN, "run", dir + "/up.yaml", "--plugin-dir", TEST_PLUGIN_DIR, "--log-format", "json"});
  size_t missing = 0;
  wt::wait_until(
      [&] {
        auto got = ids_in_file(accepted, false);
        missing = 0;
        for (auto& id : before_kill) missing += got.count(id) == 0;
        return missing <= 2;
      },
      std::chrono::seconds(30));
  restarted.signal(SIGTERM);
  auto r = restarted.wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LE(missing, 2u) << "only the one result in memory and the one batch in flight may die with SIGKILL";
  auto got = ids_in_file(accepted, false);
  for (auto& id : got) EXPECT_EQ(got.count(id), 1u) << "delivered twice: " << id;
  for (auto& id : got) EXPECT_EQ(id.size(), 26u) << "a corrupt record reached the sink";
}

// Fault: SIGTERM while the sink is down. Expected: exit 0 after the drain deadline, with
// everything not written spooled; the next start delivers all of it.
TEST(Faults, SigtermWithTheSinkDownSpoolsAndTheNextStartDelivers) {
  std::string dir = wt::temp_dir();
  std::string all = dir + "/all.jsonl", accepted = dir + "/accepted.txt";
  auto yaml = [&](const std::string& chaos) {
    return "spool: {dir: \"" + dir + "/spool\"}\npipelines:\n  - name: checker\n"
           "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(3) + "\n"
           "    sinks:\n      - {plugin: chaos, " + chaos + ", path: \"" + accepted + "\", batch_delay: 0ms}\n"
           "      - {plugin: stdout, format: json, path: \"" + all + "\", batch_delay: 0ms}\n";
  };
  wt::write_file(dir + "/down.yaml", yaml("mode: retry_then_ok, retries: 1000000"));
  {
    wt::ChildProcess checker({WATCHPOST_BIN, "run", dir + "/down.yaml", "--drain-timeout", "1s", "--plugin-dir", TEST_PLUGIN_DIR,
                                "--log-format", "json"});
    ASSERT_TRUE(wt::wait_until([&] { return lines_of(all).size() >= 6; }, std::chrono::seconds(30)));
    checker.signal(SIGTERM);
    auto r = checker.wait();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("were spooled"), std::string::npos) << r.err;
  }
  auto produced = ids_in_file(all, true);
  wt::write_file(dir + "/up.yaml", yaml("mode: ok"));
  wt::ChildProcess restarted({WATCHPOST_BIN, "run", dir + "/up.yaml", "--plugin-dir", TEST_PLUGIN_DIR, "--log-format", "json"});
  bool all_delivered = wt::wait_until(
      [&] {
        auto got = ids_in_file(accepted, false);
        for (auto& id : produced)
          if (!got.count(id)) return false;
        return true;
      },
      std::chrono::seconds(30));
  restarted.signal(SIGTERM);
  restarted.wait();
  EXPECT_TRUE(all_delivered) << "every result of the first run must arrive after the restart";
  auto got = ids_in_file(accepted, false);
  for (auto& id : produced) EXPECT_EQ(got.count(id), 1u) << id;
}

// Fault: a torn spool tail on disk at start-up (power loss mid-append). Expected: it is
// truncated and reported, start-up goes on, the good records are delivered.
TEST(Faults, ATornSpoolAtStartUpIsTruncatedAndTheRestDelivered) {
  std::string dir = wt::temp_dir();
  std::string accepted = dir + "/accepted.txt";
  Result r;
  r.result_id = make_ulid(1'790'000'000'000);
  r.target_id = "from-before";
  r.scheduled_at_us = 1'790'000'000'000'000;
  r.outcome = WP_OUTCOME_UP;
  {
    Spool::Options o;
    o.dir = dir + "/spool/checker/0-chaos";
    Spool s(o);
    ResultViews v(r);
    std::string json;
    append_result_json(json, *v.data());
    s.append({json});
  }
  {
    std::ofstream f(dir + "/spool/checker/0-chaos/seg-000001.spool", std::ios::app | std::ios::binary);
    f.write("\xff\xff\x00", 3);
  }
  wt::write_file(dir + "/p.yaml", "spool: {dir: \"" + dir + "/spool\"}\npipelines:\n  - name: checker\n"
                                  "    probe: {plugin: cprobe}\n    targets: [{id: now, name: n}]\n"
                                  "    sinks: [{plugin: chaos, path: \"" + accepted + "\"}]\n");
  auto run = wt::run_process({WATCHPOST_BIN, "run", dir + "/p.yaml", "--once", "--plugin-dir", TEST_PLUGIN_DIR, "--log-format", "json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("torn or corrupt tail, truncated"), std::string::npos) << run.err;
  auto got = ids_in_file(accepted, false);
  EXPECT_EQ(got.count(r.result_id), 1u) << "the good spooled record is delivered";
  EXPECT_EQ(got.size(), 2u);
}

// Fault: PostgreSQL stopped for 30 s during a run, then started. Expected: checks go on, the
// results wait (queue, then spool) and are all stored exactly once afterwards.
TEST(Faults, PostgresDownForThirtySecondsLosesNothing) {
  if (auto why = wt::PostgresServer::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  wt::PostgresServer pg;
  std::string dir = wt::temp_dir();
  Running run("spool: {dir: \"" + dir + "/spool\"}\npipelines:\n  - name: web\n"
              "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(5) + "\n"
              "    sinks: [{plugin: pg_sink, dsn: \"" + pg.dsn() +
              "\", queue_capacity: 10, batch_delay: 50ms, max_retry_delay: 1s}]\n");
  auto stored = [&](const char* sql) { return scalar_or_minus_one(pg.dsn(), sql); };
  ASSERT_TRUE(wt::wait_until([&] { return stored("SELECT count(*) FROM watchpost.check_results") >= 5; },
                             std::chrono::seconds(30)));
  pg.stop();
  size_t at_stop = run.seen.unique();
  EXPECT_TRUE(wt::wait_until([&] { return run.seen.unique() >= at_stop + 5 * 30; }, std::chrono::seconds(45)))
      << "checking goes on while the database is down";
  pg.start();
  size_t at_start = run.seen.unique();
  ASSERT_TRUE(wt::wait_until(
      [&] { return stored("SELECT count(*) FROM watchpost.check_results") >= static_cast<int64_t>(at_start); },
      std::chrono::seconds(60)));
  EXPECT_EQ(run.stop(), 0);
  pqxx::connection c(pg.dsn());
  pqxx::work w(c);
  std::multiset<std::string> in_db;
  for (auto row : w.exec("SELECT result_id FROM watchpost.check_results")) in_db.insert(row[0].as<std::string>());
  EXPECT_EQ(in_db.size(), run.seen.unique());
  for (auto& id : run.seen.ids()) EXPECT_EQ(in_db.count(id), 1u) << id;
}

// Fault: every Kafka broker down for 30 s. Expected: results wait and are all delivered once
// the brokers are back (duplicates, if any, are reported).
TEST(Faults, KafkaDownForThirtySecondsLosesNothing) {
  devbroker::MockKafka kafka(1);
  kafka.create_topic("results", 2, 1);
  std::string dir = wt::temp_dir();
  Running run("spool: {dir: \"" + dir + "/spool\"}\npipelines:\n  - name: checker\n"
              "    probe: {plugin: cprobe, interval: 1s}\n    targets: " + cprobe_targets(5) + "\n"
              "    sinks: [{plugin: kafka_sink, brokers: \"" + kafka.bootstrap() +
              "\", topic: results, delivery_timeout: 2s, queue_capacity: 10, max_retry_delay: 1s}]\n");
  ASSERT_TRUE(wt::wait_until([&] { return run.seen.unique() >= 5; }, std::chrono::seconds(30)));
  kafka.broker_down(1);
  size_t at_down = run.seen.unique();
  EXPECT_TRUE(wt::wait_until([&] { return run.seen.unique() >= at_down + 5 * 30; }, std::chrono::seconds(45)));
  kafka.broker_up(1);
  size_t produced = run.seen.unique();
  // Wait until the sink has caught up: its written counter covers what was checked.
  ASSERT_TRUE(wt::wait_until(
      [&] { return metrics().get("watchpost_sink_written_total{sink=\"checker/kafka_sink\"}") >= produced; },
      std::chrono::seconds(90)));
  EXPECT_EQ(run.stop(), 0);

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", kafka.bootstrap().c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "verify", err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(consumer);
  auto* subs = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subs, "results", RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(consumer, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  std::multiset<std::string> in_kafka;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto ids = run.seen.ids();
  auto complete = [&] {
    for (auto& id : ids)
      if (!in_kafka.count(id)) return false;
    return true;
  };
  while (!complete() && std::chrono::steady_clock::now() < deadline) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 200)) {
      if (!m->err) in_kafka.insert(id_in_json(std::string(static_cast<char*>(m->payload), m->len)));
      rd_kafka_message_destroy(m);
    }
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  size_t duplicates = 0;
  for (auto& id : ids) {
    EXPECT_GE(in_kafka.count(id), 1u) << "lost " << id;
    duplicates += in_kafka.count(id) > 1 ? in_kafka.count(id) - 1 : 0;
  }
  std::printf("kafka outage: %zu results, %zu duplicates (harmless: ids are idempotent downstream)\n", ids.size(),
              duplicates);
}

// Fault: targets that drip bytes, reset, never answer, or send 10 MB. Expected: each ends
// within its timeout with the right error kind, and the well-behaved targets keep their rate.
TEST(Faults, HostileTargetsEndWithinTheirTimeoutAndOthersKeepTheirRate) {
  target::HttpTarget server;
  std::string good;
  for (int i = 0; i < 10; ++i) good += "      - {id: good" + std::to_string(i) + ", url: \"" + server.url("/") + "\"}\n";
  Running run("pipelines:\n  - name: mixed\n    probe: {plugin: http, interval: 1s, timeout: 2s}\n    targets:\n"
              "      - {id: drip, url: \"" + server.url("/drip/1000/100") + "\"}\n"
              "      - {id: reset, url: \"" + server.url("/reset") + "\"}\n"
              "      - {id: silent, url: \"" + server.url("/delay/60000") + "\"}\n"
              "      - {id: huge, url: \"" + server.url("/body/10000000") + "\", timeout: 10s}\n" + good +
              "    sinks: [{plugin: chaos}]\n");
  ASSERT_TRUE(wt::wait_until([&] { return run.seen.by_target().size() == 14; }, std::chrono::seconds(30)));
  auto start = run.seen.by_target();
  ASSERT_TRUE(wt::wait_until(
      [&] {
        auto now = run.seen.by_target();
        for (int i = 0; i < 10; ++i) {
          std::string id = "good" + std::to_string(i);
          if (now[id].size() < start[id].size() + 4) return false;
        }
        return true;
      },
      std::chrono::seconds(8)))
      << "well-behaved targets must keep their 1/s rate (4 checks in 8 s) beside hostile ones";
  EXPECT_EQ(run.stop(), 0);
  auto kind = [&](const char* id) { return run.seen.last(id) ? run.seen.last(id)->error_kind : -1; };
  EXPECT_EQ(kind("drip"), WP_ERR_TIMEOUT);
  EXPECT_EQ(kind("reset"), WP_ERR_RECV);
  EXPECT_EQ(kind("silent"), WP_ERR_TIMEOUT);
  ASSERT_TRUE(run.seen.last("huge"));
  EXPECT_EQ(run.seen.last("huge")->outcome, WP_OUTCOME_UP) << run.seen.last("huge")->error_message;
  EXPECT_EQ(run.seen.last("huge")->bytes_received, 10'000'000u);
  for (const char* slow : {"drip", "silent"}) EXPECT_LT(run.seen.last(slow)->total_us, 3'000'000) << slow;
}

// Fault: a sink plugin that fails every call. Expected: checking goes on and every refused
// result is counted.
TEST(Faults, ASinkThatFailsEveryCallIsCountedAndCheckingGoesOn) {
  const std::string errors = "watchpost_sink_errors_total{sink=\"broken/chaos\"}";
  Running run("pipelines:\n  - name: broken\n    probe: {plugin: cprobe, interval: 1s}\n    targets: " +
              cprobe_targets(3) + "\n    sinks: [{plugin: chaos, mode: fail_always, batch_delay: 0ms}]\n");
  ASSERT_TRUE(wt::wait_until([&] { return run.seen.unique() >= 9; }, std::chrono::seconds(30)))
      << "checks must go on while the sink refuses everything";
  EXPECT_EQ(run.stop(), 0);
  EXPECT_EQ(metrics().get(errors), static_cast<double>(run.seen.unique()));
}

// Fault: the writer (kafka_source -> pg_sink) is killed between its PostgreSQL commits and its
// offset commit. Expected: the restarted writer reads the same messages again, and PostgreSQL
// still holds each result exactly once.
TEST(Faults, AKafkaWriterKilledBetweenDatabaseAndOffsetCommitsStoresNoDuplicates) {
  if (auto why = wt::PostgresServer::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  wt::PostgresServer pg;
  devbroker::MockKafka kafka(1);
  kafka.create_topic("results", 2, 1);
  // Produce through a checker pipeline, then stop it.
  size_t produced;
  {
    Running checker("pipelines:\n  - name: checker\n    probe: {plugin: cprobe, interval: 1s}\n    targets: " +
                    cprobe_targets(20) + "\n    sinks: [{plugin: kafka_sink, brokers: \"" + kafka.bootstrap() +
                    "\", topic: results}]\n");
    ASSERT_TRUE(wt::wait_until([&] { return checker.seen.unique() >= 60; }, std::chrono::seconds(30)));
    EXPECT_EQ(checker.stop(), 0);
    produced = checker.seen.unique();
  }
  std::string dir = wt::temp_dir();
  auto writer_yaml = [&](const std::string& commit_interval) {
    return "pipelines:\n  - name: writer\n    source: {plugin: kafka_source, brokers: \"" + kafka.bootstrap() +
           "\", topics: results, group: writers, commit_interval: " + commit_interval +
           ", properties: {session.timeout.ms: \"6000\", heartbeat.interval.ms: \"500\"}}\n"
           "    sinks:\n      - {plugin: pg_sink, dsn: \"" + pg.dsn() + "\", batch_delay: 20ms}\n";
  };
  auto count = [&](const char* sql) { return scalar_or_minus_one(pg.dsn(), sql); };
  wt::write_file(dir + "/no-commit.yaml", writer_yaml("1h"));
  {
    wt::ChildProcess writer({WATCHPOST_BIN, "run", dir + "/no-commit.yaml", "--log-format", "json"});
    ASSERT_TRUE(wt::wait_until([&] { return count("SELECT count(*) FROM watchpost.check_results") >=
                                            static_cast<int64_t>(produced); },
                               std::chrono::seconds(60)));
    writer.signal(SIGKILL);  // the database has everything; Kafka has no committed offset
    writer.wait();
  }
  // The restart also copies what it receives to a file: proof that it read everything again.
  std::string copy = dir + "/reread.jsonl";
  wt::write_file(dir + "/restart.yaml", writer_yaml("200ms") + "      - {plugin: stdout, format: json, path: \"" + copy +
                                            "\", batch_delay: 20ms}\n");
  wt::ChildProcess writer({WATCHPOST_BIN, "run", dir + "/restart.yaml", "--log-format", "json"});
  bool reread = wt::wait_until([&] { return lines_of(copy).size() >= produced; }, std::chrono::seconds(60));
  writer.signal(SIGTERM);
  auto r = writer.wait();
  EXPECT_TRUE(reread) << "messages whose offsets were never committed must be delivered again";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("SELECT count(*) FROM watchpost.check_results"), static_cast<int64_t>(produced));
  EXPECT_EQ(count("SELECT count(DISTINCT result_id) FROM watchpost.check_results"), static_cast<int64_t>(produced));
}
