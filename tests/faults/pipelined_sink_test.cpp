// A pipelined sink (ABI 1.2 write_async) holds several batches at once and settles them in any
// order. Expected: upstream sees batches acknowledged in the order they were handed over, a
// batch that fails is written again before any later one is acknowledged, and at a drain
// deadline the batches the sink still holds are spooled, not lost.
#include "config/options.hpp"
#include "delivery/sink_worker.hpp"
#include "observe/metrics.hpp"
#include "plugins/instance.hpp"
#include "plugins/loader.hpp"
#include "results/result.hpp"
#include "results/ulid.hpp"
#include "runtime_harness.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <set>

using namespace watchpost;
namespace wt = watchpost::testing;

namespace {

ResultPtr result(int n) {
  auto r = std::make_shared<Result>();
  r->result_id = make_ulid(1'700'000'000'000 + n);
  r->target_id = "t" + std::to_string(n);
  r->pipeline = "pipelined";
  r->url = "http://127.0.0.1/";
  r->node = "n1";
  r->labels = std::make_shared<Labels>();
  r->scheduled_at_us = r->started_at_us = 1'700'000'000'000'000 + n;
  r->outcome = WP_OUTCOME_UP;
  return r;
}

// A chaos sink made through the plugin, as the core makes it.
std::unique_ptr<SinkInstance> chaos_sink(const std::string& name, std::map<std::string, std::string> options) {
  const Plugin* p = wt::test_catalog().find("chaos");
  auto instance = std::make_unique<SinkInstance>(p->library, p->descriptor->sink, name);
  OptionList opts;
  for (auto& [key, value] : options) {
    OptionValue v;
    EXPECT_EQ(parse_scalar_option(*p->sink.find(key), value, v), "") << key;
    opts.push_back(v);
  }
  instance->create(opts);
  return instance;
}

// What upstream was told, in order.
struct Acks {
  std::mutex mu;
  std::vector<std::string> ids;
  SinkWorker::WrittenFn fn() {
    return [this](const std::vector<ResultPtr>& batch) {
      std::lock_guard<std::mutex> lock(mu);
      for (auto& r : batch) ids.push_back(r->result_id);
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return ids.size();
  }
};

std::vector<std::string> lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream f(path);
  for (std::string l; std::getline(f, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST(PipelinedSink, BatchesSettledNewestFirstAreAcknowledgedInTheOrderHandedOver) {
  std::string out = wt::temp_dir() + "/accepted";
  SinkConfig config;
  config.batch_size = 1;
  config.batch_delay_ms = 0;
  config.max_in_flight = 4;
  Acks acks;
  SinkWorker worker(chaos_sink("order/chaos", {{"complete", "reverse"}, {"path", out}}), config, "order", [] {},
                    acks.fn());
  worker.start();
  std::vector<std::string> pushed;
  for (int i = 0; i < 60; ++i) {
    auto r = result(i);
    pushed.push_back(r->result_id);
    worker.push(r);
  }
  ASSERT_TRUE(wt::wait_until([&] { return acks.size() == pushed.size(); }, std::chrono::seconds(30)));
  worker.close(std::chrono::steady_clock::now());
  EXPECT_EQ(acks.ids, pushed) << "acknowledged in the order handed over";
  EXPECT_GE(metrics().get("watchpost_plugin_chaos_most_held{instance=\"order/chaos\"}"), 2)
      << "the sink held more than one batch at a time: the writes were pipelined";
  auto stored = lines(out);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()).size(), pushed.size());
}

TEST(PipelinedSink, AFailedBatchIsWrittenAgainBeforeAnyLaterOneIsAcknowledged) {
  std::string out = wt::temp_dir() + "/accepted";
  SinkConfig config;
  config.batch_size = 2;
  config.batch_delay_ms = 0;
  config.max_in_flight = 8;
  config.max_retry_delay_ms = 50;
  Acks acks;
  SinkWorker worker(chaos_sink("retry/chaos", {{"complete", "thread"}, {"mode", "retry_then_ok"}, {"retries", "5"},
                                              {"path", out}}),
                    config, "retry", [] {}, acks.fn());
  worker.start();
  std::vector<std::string> pushed;
  for (int i = 0; i < 40; ++i) {
    auto r = result(i);
    pushed.push_back(r->result_id);
    worker.push(r);
  }
  ASSERT_TRUE(wt::wait_until([&] { return acks.size() == pushed.size(); }, std::chrono::seconds(30)));
  worker.close(std::chrono::steady_clock::now());
  EXPECT_EQ(acks.ids, pushed) << "in order, though the first batches failed while later ones were out";
  EXPECT_GE(metrics().get("watchpost_plugin_chaos_retries_total{instance=\"retry/chaos\"}"), 5);
  auto stored = lines(out);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()),
            std::set<std::string>(pushed.begin(), pushed.end()))
      << "every result stored (a failed batch stored nothing, so it is not there twice)";
}

TEST(PipelinedSink, BatchesTheSinkStillHoldsAtTheDrainDeadlineAreSpooledAndDeliveredNextTime) {
  std::string dir = wt::temp_dir();
  Spool::Options so;
  so.dir = dir + "/spool";
  SinkConfig config;
  config.batch_size = 5;
  config.batch_delay_ms = 0;
  config.max_in_flight = 4;
  std::vector<std::string> pushed;
  {
    Acks acks;
    SinkWorker worker(chaos_sink("held/chaos", {{"complete", "never"}}), config, "held", [] {}, acks.fn(),
                      std::make_shared<Spool>(so));
    worker.start();
    for (int i = 0; i < 20; ++i) {
      auto r = result(i);
      pushed.push_back(r->result_id);
      worker.push(r);
    }
    ASSERT_TRUE(wt::wait_until(
        [&] { return metrics().get("watchpost_plugin_chaos_most_held{instance=\"held/chaos\"}") >= 4; },
        std::chrono::seconds(10)))
        << "four batches out, none settled";
    worker.close(std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    EXPECT_EQ(acks.size(), 0u) << "nothing the sink never settled was acknowledged";
  }  // the sink is destroyed here and fails what it holds: those completions must be harmless
  std::string out = dir + "/accepted";
  Acks acks;
  SinkWorker next(chaos_sink("held2/chaos", {{"complete", "thread"}, {"path", out}}), config, "held", [] {},
                  acks.fn(), std::make_shared<Spool>(so));
  next.start();
  ASSERT_TRUE(wt::wait_until([&] { return lines(out).size() >= pushed.size(); }, std::chrono::seconds(30)))
      << "the spooled batches are delivered by the next run";
  next.close(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  auto stored = lines(out);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()),
            std::set<std::string>(pushed.begin(), pushed.end()));
}
