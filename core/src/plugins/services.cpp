#include "services.hpp"

#include "observe/metrics.hpp"

namespace watchpost {

WorkerPool::WorkerPool(size_t max_threads, size_t max_queue) : max_threads_(max_threads), max_queue_(max_queue) {}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::submit(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(work));
    if (idle_ < queue_.size() && threads_.size() < max_threads_) {
      threads_.emplace_back([this] { run(); });
      metrics().set("watchpost_plugin_worker_threads", static_cast<double>(threads_.size()));
    }
  }
  wake_.notify_one();
  return true;
}

size_t WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

void WorkerPool::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping, and nothing left to run
    auto work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    work();
    lock.lock();
  }
}

TimerService::TimerService() : thread_([this] { run(); }) {}

TimerService::~TimerService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

uint64_t TimerService::start(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto at = std::chrono::steady_clock::now() + delay;
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    timers_.emplace(id, std::make_pair(at, std::move(fn)));
    due_.emplace(at, id);
  }
  wake_.notify_all();
  return id;
}

bool TimerService::cancel(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;  // fired (or firing), or never was
  auto range = due_.equal_range(it->second.first);
  for (auto d = range.first; d != range.second; ++d)
    if (d->second == id) {
      due_.erase(d);
      break;
    }
  timers_.erase(it);
  return true;
}

void TimerService::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (first->first > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, first->first);
      continue;
    }
    uint64_t id = first->second;
    due_.erase(first);
    auto it = timers_.find(id);
    auto fn = std::move(it->second.second);
    timers_.erase(it);  // from here cancel() says "ran"
    lock.unlock();
    fn();
    lock.lock();
  }
}

WorkerPool& plugin_workers() {
  static WorkerPool pool;
  return pool;
}

TimerService& plugin_timers() {
  static TimerService timers;
  return timers;
}

}  // namespace watchpost
