// The http probe's transfers spread over a few CurlLoops, one thread each: at thousands of
// fresh connections a second, one thread's connect/close system calls are the limit.
#pragma once

#include "curl_loop.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace watchpost::http {

class CurlEngine {
 public:
  // One loop per CPU core, at most 8.
  CurlEngine();
  explicit CurlEngine(size_t loops);

  // Any thread.
  void start(std::shared_ptr<const TargetConfig> target, const Check& check, Completion done);

  size_t loops() const { return loops_.size(); }

 private:
  std::vector<std::unique_ptr<CurlLoop>> loops_;
  std::atomic<size_t> next_{0};
};

}  // namespace watchpost::http
