// Many HTTP transfers at once on one thread: libcurl's multi-socket API, with Boost.Asio
// watching the sockets and the timer curl asks for. No thread per request, no polling loop.
#pragma once

#include "http_options.hpp"

#include <atomic>
#include <memory>
#include <thread>

namespace watchpost::http {

class CurlEngine {
 public:
  explicit CurlEngine(Host host);
  // Reports every transfer still running as cancelled, then stops the thread.
  ~CurlEngine();
  CurlEngine(const CurlEngine&) = delete;
  CurlEngine& operator=(const CurlEngine&) = delete;

  // Any thread. Prepares the transfer here and hands it to the engine's thread.
  void start(std::shared_ptr<const TargetConfig> target, const Check& check, Completion done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchpost::http
