// Sink throughput beside its physical limit or peer, measured in the same run:
//   pg_sink (COPY into staging + idempotent insert + latest status) vs a plain COPY of the
//   same rows into the same table shape;
//   kafka_sink (JSON, acks=all, idempotent, delivery reports) vs kcat producing the same
//   messages with the same settings, both to the dev broker;
//   Avro (format: avro, issue 18) beside JSON: encoding alone, bytes per message, and
//   kafka_sink through the core's sink thread in each format.
// Prints a table and writes bench/results/sinks.json.
#include "delivery/sink_worker.hpp"
#include "plugins/instance.hpp"
#include "plugins/loader.hpp"
#include "mock_kafka.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "results/ulid.hpp"

#include "copy_row.hpp"
#include "result_encoder.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace watchpost;
namespace wt = watchpost::testing;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRows = 200'000;
constexpr int kBatch = 5'000;
constexpr int kRounds = 5;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<ResultPtr> make_results(int n) {
  std::vector<ResultPtr> out;
  int64_t base = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                     .count() - 3'600'000'000LL;
  auto labels = std::make_shared<Labels>(Labels{{"team", "web"}, {"env", "prod"}});
  for (int i = 0; i < n; ++i) {
    auto r = std::make_shared<Result>();
    int64_t t = base + i * 10'000LL;
    r->result_id = make_ulid(t / 1000);
    r->target_id = "target-" + std::to_string(i % 1000);
    r->pipeline = "bench";
    r->url = "https://" + r->target_id + ".example/health";
    r->node = "bench-node";
    r->labels = labels;
    r->scheduled_at_us = t;
    r->started_at_us = t + 150;
    r->dns_us = 20;
    r->connect_us = 300;
    r->tls_us = 2000;
    r->first_byte_us = 5000 + i % 700;
    r->total_us = 8000 + i % 900;
    r->http_status = i % 50 ? 200 : 503;
    r->bytes_received = 5120;
    r->outcome = i % 50 ? WP_OUTCOME_UP : WP_OUTCOME_DOWN;
    if (r->outcome == WP_OUTCOME_DOWN) {
      r->error_kind = WP_ERR_HTTP_STATUS;
      r->error_message = "HTTP 503, expected 200-399";
    }
    r->resolved_ip = "10.0.0." + std::to_string(i % 250);
    r->ip_family = 4;
    r->tls_days_left = 60;
    out.push_back(r);
  }
  return out;
}

std::unique_ptr<SinkInstance> make_sink(const PluginCatalog& catalog, const char* plugin,
                                        const std::vector<std::pair<const char*, std::string>>& options,
                                        const std::vector<std::string>& properties = {}) {
  const Plugin* p = catalog.find(plugin);
  if (!p) throw std::runtime_error(std::string("plugin not found: ") + plugin);
  auto sink = std::make_unique<SinkInstance>(p->library, p->descriptor->sink, std::string("bench/") + plugin);
  OptionList opts;
  for (auto& [name, value] : options) {
    OptionValue v;
    std::string err = parse_scalar_option(*p->sink.find(name), value, v);
    if (!err.empty()) throw std::runtime_error(err);
    opts.push_back(v);
  }
  if (!properties.empty()) {  // key, value, key, value...
    OptionValue v;
    v.name = "properties";
    v.type = WP_OPT_STRING_MAP;
    v.items = properties;
    opts.push_back(v);
  }
  sink->create(opts);
  return sink;
}

// Writes results[from, from + count) as one batch; the seconds it took.
double write_batch(SinkInstance& sink, const std::vector<ResultPtr>& results, size_t from, size_t count) {
  auto start = Clock::now();
  std::vector<ResultPtr> batch(results.begin() + static_cast<long>(from),
                               results.begin() + static_cast<long>(std::min(results.size(), from + count)));
  ResultViews views(batch);
  wp_error err = SinkInstance::blank_error();
  if (sink.api()->write(sink.handle(), views.data(), views.size(), &err) != WP_OK)
    throw std::runtime_error(std::string("sink write failed: ") + err.message);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double write_all(SinkInstance& sink, const std::vector<ResultPtr>& results, size_t batch_size = kBatch) {
  double took = 0;
  for (size_t i = 0; i < results.size(); i += batch_size) took += write_batch(sink, results, i, batch_size);
  return took;
}

// Through the core's own sink thread (SinkWorker), as a pipeline runs it: batching, in-order
// acknowledgement and, for a pipelined sink, up to `max_in_flight` batches out at once. The
// time runs from the first result queued to the last one acknowledged.
double write_through_core(std::unique_ptr<SinkInstance> sink, const std::vector<ResultPtr>& results,
                          int64_t max_in_flight) {
  SinkConfig config;
  config.batch_size = kBatch;
  config.batch_delay_ms = 0;
  config.queue_capacity = static_cast<int64_t>(results.size()) + 1;
  config.max_in_flight = max_in_flight;
  std::mutex mu;
  std::condition_variable cv;
  size_t written = 0;
  SinkWorker worker(std::move(sink), config, "bench", [] {}, [&](const std::vector<ResultPtr>& b) {
    std::lock_guard<std::mutex> lock(mu);
    written += b.size();
    cv.notify_all();
  });
  worker.start();
  auto start = Clock::now();
  for (auto& r : results) worker.push(r);
  std::unique_lock<std::mutex> lock(mu);
  if (!cv.wait_for(lock, std::chrono::minutes(5), [&] { return written == results.size(); }))
    throw std::runtime_error("the sink did not acknowledge every result within 5 minutes");
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  lock.unlock();
  worker.close(Clock::now());
  return took;
}

struct Row {
  std::string name, peer;
  double ours, theirs;  // per second
};

}  // namespace

int main() {
  PluginCatalog catalog;
  catalog.scan({WATCHPOST_PLUGIN_DIR});
  auto results = make_results(kRows);
  std::vector<Row> rows;

  // SINK_BENCH=kafka or =pg runs one half (the table then has only its rows).
  const char* only = std::getenv("SINK_BENCH");
  const bool run_pg = !only || std::string(only) == "pg", run_kafka = !only || std::string(only) == "kafka";
  const bool run_avro = !only || std::string(only) == "avro";
  if (run_pg) {  // PostgreSQL
    wt::PostgresServer pg;
    auto sink = make_sink(catalog, "pg_sink", {{"dsn", pg.dsn()}, {"schema", "watchpost"}, {"retention", "0"}});
    // The limit is a plain COPY into the very same table: a second schema made by the same
    // migrations (partitions, primary key, index), warmed up with rows of the same days.
    auto plain_sink = make_sink(catalog, "pg_sink", {{"dsn", pg.dsn()}, {"schema", "plain"}, {"retention", "0"}});
    auto warm = make_results(2);
    warm[1] = std::make_shared<Result>(*results.back());
    std::const_pointer_cast<Result>(warm[1])->result_id = make_ulid(results.back()->scheduled_at_us / 1000 + 1);
    write_all(*sink, warm);
    write_all(*plain_sink, warm);
    pqxx::connection c(pg.dsn());
    const std::vector<std::string> cols = pg::column_list(pg::kCopyColumns);
    auto plain_copy_batch = [&](const std::vector<ResultPtr>& set, size_t from) {
      auto start = Clock::now();
      pqxx::work w(c);
      pqxx::stream_to copy(w, "plain.check_results", cols);
      pg::CopyRow row;
      for (size_t k = from; k < std::min(set.size(), from + kBatch); ++k) {
        ResultViews v(*set[k]);
        pg::fill_copy_row(row, *v.data());
        copy << row.fields;
      }
      copy.complete();
      w.commit();
      return std::chrono::duration<double>(Clock::now() - start).count();
    };
    // Rounds, each with new result ids. Within a round the two take turns batch by batch
    // (alternating which goes first), so a slow spell of this machine lands on both: whole
    // rounds one after the other swung from 0.78 to 0.98 between runs of the same build.
    // The medians of the rounds' totals are compared.
    std::vector<double> ours_s, plain_s;
    for (int round = 0; round < kRounds; ++round) {
      auto set = round == 0 ? results : make_results(kRows);
      double ours = 0, plain = 0;
      for (size_t i = 0, n = 0; i < set.size(); i += kBatch, ++n) {
        if (n % 2 == 0) {
          ours += write_batch(*sink, set, i, kBatch);
          plain += plain_copy_batch(set, i);
        } else {
          plain += plain_copy_batch(set, i);
          ours += write_batch(*sink, set, i, kBatch);
        }
      }
      ours_s.push_back(ours);
      plain_s.push_back(plain);
    }
    double ours = median(ours_s), plain = median(plain_s);
    rows.push_back({"pg_sink rows/s (median of 5 rounds, batches interleaved)", "plain COPY into the same table",
                    kRows / ours, kRows / plain});
  }

  if (run_kafka) {  // Kafka
    devbroker::MockKafka kafka(1);
    std::string dir = wt::temp_dir();
    {
      std::ofstream f(dir + "/messages.jsonl");
      for (auto& r : results) {
        ResultViews v(*r);
        std::string json;
        append_result_json(json, *v.data());
        f << json << '\n';
      }
    }
    // Twice: librdkafka's defaults, then one request in flight per broker for both. The mock
    // broker leaves Nagle's algorithm on, so when several produce responses are in flight the
    // later ones wait for the client's delayed ACK (~40 ms) — a stall a real broker (which
    // sets TCP_NODELAY) does not have, that the sink pays on every batch it waits for and
    // kcat, waiting once, hides.
    // The third row hands the sink all results as one batch: produce everything, wait for
    // the delivery reports once — what kcat does with its file.
    // The last two go through the core's sink thread: one batch at a time, then pipelined
    // (ABI 1.2 write_async: up to 4 batches out while their delivery reports are awaited).
    struct Setting {
      std::string label;
      std::vector<std::string> properties;
      size_t batch;
      int64_t through_core;  // 0: the sink's write, called directly; else max_in_flight
    };
    const std::vector<Setting> settings = {{"defaults", {}, kBatch, 0},
                                           {"max.in.flight=1", {"max.in.flight", "1"}, kBatch, 0},
                                           {"defaults, one batch of all", {}, kRows, 0},
                                           {"core sink thread, one batch at a time", {}, kBatch, 1},
                                           {"core sink thread, pipelined (4 out)", {}, kBatch, 4}};
    for (size_t s = 0; s < settings.size(); ++s) {
      auto& [label, properties, batch, through_core] = settings[s];
      std::string ours_topic = "ours" + std::to_string(s), kcat_topic = "kcat" + std::to_string(s);
      kafka.create_topic(ours_topic, 4, 1);
      kafka.create_topic(kcat_topic, 4, 1);
      auto sink = make_sink(catalog, "kafka_sink",
                            {{"brokers", kafka.bootstrap()}, {"topic", ours_topic}, {"key", "target_id"},
                             {"compression", "lz4"}, {"linger", "5ms"}, {"batch_messages", "10000"},
                             {"delivery_timeout", "30s"}},
                            properties);
      double ours = through_core ? write_through_core(std::move(sink), results, through_core)
                                 : write_all(*sink, results, batch);
      std::vector<std::string> argv = {"/usr/bin/kcat", "-P", "-b", kafka.bootstrap(), "-t", kcat_topic, "-l",
                                       dir + "/messages.jsonl", "-X", "acks=all", "-X", "enable.idempotence=true",
                                       "-X", "compression.type=lz4", "-X", "linger.ms=5", "-X",
                                       "batch.num.messages=10000"};
      for (size_t k = 0; k + 1 < properties.size(); k += 2) {
        argv.push_back("-X");
        argv.push_back(properties[k] + "=" + properties[k + 1]);
      }
      auto start = Clock::now();
      auto run = wt::run_process(argv, std::chrono::minutes(5));
      double kcat = std::chrono::duration<double>(Clock::now() - start).count();
      if (run.exit_code != 0) {
        std::fprintf(stderr, "kcat failed: %s\n", run.err.c_str());
        kcat = 0;
      }
      rows.push_back({"kafka_sink msgs/s (JSON, acks=all), " + label, "kcat msgs/s, same messages and settings",
                      kRows / ours, kcat > 0 ? kRows / kcat : 0});
    }
  }

  if (run_avro) {  // Avro beside JSON
    // Encoding alone, the same results, best of 5 passes each (the machine is noisy).
    std::vector<ResultViews> views;
    views.reserve(results.size());
    for (auto& r : results) views.emplace_back(*r);
    avro::ResultEncoder encoder;
    std::string buffer;
    double json_bytes = 0, avro_bytes = 0, json_s = 1e9, avro_s = 1e9;
    for (int pass = 0; pass < 5; ++pass) {
      auto start = Clock::now();
      json_bytes = 0;
      for (auto& v : views) {
        buffer.clear();
        append_result_json(buffer, *v.data());
        json_bytes += static_cast<double>(buffer.size());
      }
      json_s = std::min(json_s, std::chrono::duration<double>(Clock::now() - start).count());
      start = Clock::now();
      avro_bytes = 0;
      for (auto& v : views) {
        buffer.clear();
        encoder.encode(*v.data(), buffer);
        avro_bytes += static_cast<double>(buffer.size());
      }
      avro_s = std::min(avro_s, std::chrono::duration<double>(Clock::now() - start).count());
    }
    rows.push_back({"Avro encoding results/s", "JSON encoding results/s (the core's)", kRows / avro_s,
                    kRows / json_s});
    rows.push_back({"Avro bytes per result (with the 5-byte frame)", "JSON bytes per result", avro_bytes / kRows + 5,
                    json_bytes / kRows});
    // kafka_sink through the core's sink thread, pipelined, in each format, alternating.
    devbroker::MockKafka kafka(1);
    std::vector<double> json_rate, avro_rate;
    for (int round = 0; round < 3; ++round) {
      for (bool use_avro : {round % 2 == 0, round % 2 != 0}) {
        std::string topic = std::string(use_avro ? "avro" : "json") + std::to_string(round);
        kafka.create_topic(topic, 4, 1);
        std::vector<std::pair<const char*, std::string>> options = {
            {"brokers", kafka.bootstrap()}, {"topic", topic}, {"key", "target_id"}, {"compression", "lz4"},
            {"linger", "5ms"}, {"batch_messages", "10000"}, {"delivery_timeout", "30s"}};
        if (use_avro) {
          options.push_back({"format", "avro"});
          options.push_back({"schema_id", "1"});
        }
        double seconds = write_through_core(make_sink(catalog, "kafka_sink", options), results, 4);
        (use_avro ? avro_rate : json_rate).push_back(kRows / seconds);
      }
    }
    rows.push_back({"kafka_sink msgs/s, Avro, pipelined (median of 3)", "kafka_sink msgs/s, JSON, same setting",
                    median(avro_rate), median(json_rate)});
  }

  std::printf("\n%-52s %12s   %-40s %12s   %s\n", "watchpost", "rate", "peer / limit", "rate", "ratio");
  std::string json = "{\"rows\":" + std::to_string(kRows) + ",\"batch\":" + std::to_string(kBatch) + ",\"results\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    double ratio = r.theirs > 0 ? r.ours / r.theirs : 0;
    std::printf("%-52s %12.0f   %-40s %12.0f   %.2f\n", r.name.c_str(), r.ours, r.peer.c_str(), r.theirs, ratio);
    char item[512];
    std::snprintf(item, sizeof item, "%s{\"name\":\"%s\",\"rate\":%.0f,\"peer\":\"%s\",\"peer_rate\":%.0f,\"ratio\":%.3f}",
                  i ? "," : "", r.name.c_str(), r.ours, r.peer.c_str(), r.theirs, ratio);
    json += item;
  }
  json += "]}\n";
  std::ofstream(std::string(BENCH_RESULTS_DIR) + "/sinks.json") << json;
  return 0;
}
