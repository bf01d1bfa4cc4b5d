#include "source_pipeline.hpp"

#include "results/json_writer.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"

#include <boost/asio/post.hpp>

namespace watchpost {

std::shared_ptr<SourcePipeline> SourcePipeline::build(const PipelineConfig& config, const PluginCatalog& catalog,
                                                      boost::asio::io_context& io) {
  std::shared_ptr<SourcePipeline> p(new SourcePipeline(io, config.name));
  const Plugin* plugin = catalog.find(config.source->plugin);
  p->source_ = std::make_unique<SourceInstance>(plugin->library, plugin->descriptor->source,
                                                config.name + "/" + config.source->plugin);
  p->source_->create(config.source->options);
  SourcePipeline* raw = p.get();  // the workers die before the pipeline: a raw pointer is safe
  p->sinks_ = make_sink_workers(
      config, catalog, [raw] { raw->cv_.notify_all(); },
      [raw](const std::vector<ResultPtr>& batch) { raw->on_written(batch); });
  return p;
}

SourcePipeline::~SourcePipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  for (auto& s : sinks_) s->close(std::chrono::steady_clock::now());
  deliver_acks();
  sinks_.clear();
  source_.reset();  // the source commits what was acknowledged and closes
}

void SourcePipeline::start(bool, std::function<void()>) {
  for (auto& s : sinks_) s->start();
  poller_ = std::thread([this] { run(); });
  log::info(name_, "started: " + source_->name() + " feeding " + std::to_string(sinks_.size()) + " sinks");
}

void SourcePipeline::stop(std::function<void()> on_drained) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    on_drained_ = std::move(on_drained);
  }
  cv_.notify_all();
}

bool SourcePipeline::sinks_have_room() const {
  for (auto& s : sinks_)
    if (!s->has_room()) return false;
  return true;
}

void SourcePipeline::on_emit(void* ctx, const wp_result* results, size_t count, uint64_t ack_token) {
  auto* self = static_cast<SourcePipeline*>(ctx);
  const char* base = reinterpret_cast<const char*>(results);
  size_t stride = count ? results[0].struct_size : sizeof(wp_result);
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    if (ack_token && !self->sinks_.empty()) self->pending_[ack_token] += count * self->sinks_.size();
    if (ack_token && (self->sinks_.empty() || count == 0)) self->acks_.push_back(ack_token);
  }
  for (size_t i = 0; i < count; ++i) {
    Result r = result_from_c(*reinterpret_cast<const wp_result*>(base + i * stride));
    r.ack_token = ack_token;
    auto result = std::make_shared<const Result>(std::move(r));
    for (auto& s : self->sinks_) s->push(result);
    if (self->observer_) self->observer_(result);
  }
  metrics().add("watchpost_source_results_total{pipeline=\"" + self->name_ + "\"}", static_cast<double>(count));
}

void SourcePipeline::on_written(const std::vector<ResultPtr>& batch) {
  bool any = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& r : batch) {
      if (!r->ack_token) continue;
      auto it = pending_.find(r->ack_token);
      if (it == pending_.end()) continue;
      if (--it->second == 0) {
        acks_.push_back(r->ack_token);
        pending_.erase(it);
        any = true;
      }
    }
  }
  if (any) cv_.notify_all();
}

void SourcePipeline::deliver_acks() {
  std::vector<uint64_t> acks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    acks.swap(acks_);
  }
  for (uint64_t token : acks) source_->api()->ack(source_->handle(), token);
}

void SourcePipeline::run() {
  int64_t failures = 0;
  for (;;) {
    deliver_acks();
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Back-pressure: while a sink is full, the source is not polled (Kafka keeps the data).
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_ || sinks_have_room(); });
      if (stopping_) break;
    }
    if (!sinks_have_room()) continue;
    wp_error err = SourceInstance::blank_error();
    int rc = source_->api()->poll(source_->handle(), &SourcePipeline::on_emit, this, 200, &err);
    if (rc == WP_OK) {
      failures = 0;
      continue;
    }
    ++failures;
    metrics().add("watchpost_source_errors_total{pipeline=\"" + name_ + "\"}");
    if (failures == 1 || failures % 30 == 0)
      log::warn(source_->name(), "poll failed (" + std::to_string(failures) + " in a row): " + SourceInstance::describe(err));
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(100 * failures, 2000)), [&] { return stopping_; });
  }
  std::function<void()> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done = std::move(on_drained_);
  }
  if (done) boost::asio::post(io_, std::move(done));
}

void SourcePipeline::close_sinks(std::chrono::steady_clock::time_point deadline) {
  if (poller_.joinable()) poller_.join();
  for (auto& s : sinks_) s->close(deadline);
  deliver_acks();  // the poller is gone: acks go to the source from here, never concurrently
}

void SourcePipeline::hurry_sinks() {
  for (auto& s : sinks_) s->hurry();
}

}  // namespace watchpost

namespace watchpost {

void SourcePipeline::status_json(std::string& out) const {
  JsonWriter j(out);
  j.begin_object();
  j.field("name", name_);
  j.field("kind", "source");
  j.field("source", source_->name());
  j.key("sink_queue_depths");
  j.begin_array();
  for (auto& s : sinks_) j.value(static_cast<uint64_t>(s->depth()));
  j.end_array();
  j.end_object();
}

}  // namespace watchpost
