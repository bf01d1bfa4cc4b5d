#include "curl_engine.hpp"

#include <algorithm>
#include <thread>

namespace watchpost::http {

CurlEngine::CurlEngine() : CurlEngine(std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8)) {}

CurlEngine::CurlEngine(size_t loops) {
  loops_.reserve(std::max<size_t>(loops, 1));
  for (size_t i = 0; i < std::max<size_t>(loops, 1); ++i) loops_.push_back(std::make_unique<CurlLoop>());
}

void CurlEngine::start(std::shared_ptr<const TargetConfig> target, const Check& check, Completion done) {
  auto t = std::make_unique<Transfer>(std::move(target), static_cast<long>(check.timeout_ms), std::move(done));
  // Round robin: checks cost about the same, so an even count is an even load.
  size_t i = next_.fetch_add(1, std::memory_order_relaxed) % loops_.size();
  loops_[i]->start(std::move(t));
}

}  // namespace watchpost::http
