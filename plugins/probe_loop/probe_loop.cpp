#include "probe_loop.hpp"

#include <boost/asio/post.hpp>

namespace watchpost::probe_loop {

namespace {
const char* kCancelled = "cancelled: watchpost is shutting down";
}

Loop::Loop() { thread_ = std::thread([this] { io_.run(); }); }

Loop::~Loop() {
  boost::asio::post(io_, [this] {
    closing_ = true;
    auto all = flights_;  // finishing a flight erases it from the list
    for (auto& f : all) fail(f, WP_ERR_CANCELLED, kCancelled);
    if (on_shutdown_) on_shutdown_();
    work_.reset();
  });
  thread_.join();
}

void Loop::start(std::shared_ptr<Flight> flight, std::function<void()> begin) {
  boost::asio::post(io_, [this, f = std::move(flight), begin = std::move(begin)] {
    flights_.push_front(f);
    f->slot = flights_.begin();
    if (closing_) return fail(f, WP_ERR_CANCELLED, kCancelled);
    begin();
  });
}

void Loop::finish(const std::shared_ptr<Flight>& f) {
  if (f->reported) return;
  f->reported = true;
  f->close();
  f->report.total_us = us_since(f->started);
  flights_.erase(f->slot);
  f->done(f->report);
}

void Loop::up(const std::shared_ptr<Flight>& f) {
  if (f->reported) return;
  f->report.up();
  finish(f);
}

void Loop::fail(const std::shared_ptr<Flight>& f, int32_t kind, const std::string& message) {
  if (f->reported) return;
  f->report.down(kind, message);
  finish(f);
}

}  // namespace watchpost::probe_loop
