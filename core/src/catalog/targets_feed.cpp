#include "targets_feed.hpp"

#include "observe/health.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace watchpost {

namespace {
constexpr uint32_t kPollMs = 250;  // how long one poll may wait: bounds how late a stop is seen
}

TargetsFeed::TargetsFeed(const PluginBlock& block, const PluginCatalog& catalog, const std::string& pipeline,
                         boost::asio::io_context& io, std::function<void(TargetCatalog::Batch)> deliver)
    : name_(pipeline + "/" + block.plugin), io_(io), deliver_(std::move(deliver)) {
  const Plugin* plugin = catalog.find(block.plugin);
  instance_ = std::make_unique<TargetsInstance>(plugin->library, targets_table(plugin->descriptor), name_);
  instance_->create(block.options);
}

TargetsFeed::~TargetsFeed() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void TargetsFeed::start() { thread_ = std::thread([this] { run(); }); }

void TargetsFeed::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void TargetsFeed::on_emit(void* ctx, const wp_target_batch* raw) {
  auto* self = static_cast<TargetsFeed*>(ctx);
  TargetCatalog::Batch batch;
  batch.snapshot = raw->snapshot != 0;
  batch.last = raw->last != 0;
  batch.changes.reserve(raw->count);
  const char* base = reinterpret_cast<const char*>(raw->changes);
  size_t stride = raw->count ? raw->changes[0].struct_size : sizeof(wp_target_change);
  for (size_t i = 0; i < raw->count; ++i) {
    auto* c = reinterpret_cast<const wp_target_change*>(base + i * stride);
    auto text = [](wp_str s) { return s.data ? std::string(s.data, s.size) : std::string(); };
    batch.changes.push_back({c->op, text(c->id), text(c->definition)});
  }
  boost::asio::post(self->io_, [deliver = self->deliver_, batch = std::move(batch)]() mutable { deliver(std::move(batch)); });
}

void TargetsFeed::run() {
  std::chrono::milliseconds backoff{0};
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    wp_error err = TargetsInstance::blank_error();
    int rc = instance_->api()->poll(instance_->handle(), &TargetsFeed::on_emit, this, kPollMs, &err);
    if (rc == WP_OK) {
      if (backoff.count() != 0) {
        log::info(name_, "reading targets again");
        health().clear(name_);
        backoff = std::chrono::milliseconds(0);
      }
      continue;
    }
    std::string why = TargetsInstance::describe(err);
    metrics().add("watchpost_catalog_poll_errors_total{plugin=\"" + name_ + "\"}");
    if (backoff.count() == 0) {
      log::error(name_, "cannot read targets (" + why + "); the pipeline keeps the targets it has and tries again");
      health().set(name_, "cannot read targets: " + why);
    }
    backoff = std::min(std::chrono::milliseconds(30000), std::max(std::chrono::milliseconds(500), backoff * 2));
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, backoff, [this] { return stopping_; });
  }
}

}  // namespace watchpost
