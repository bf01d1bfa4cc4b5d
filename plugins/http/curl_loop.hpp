// Many HTTP transfers at once on one thread: libcurl's multi-socket API, with Boost.Asio
// watching the sockets and the timer curl asks for. No thread per request, no polling loop.
#pragma once

#include "curl_transfer.hpp"

#include <memory>

namespace watchpost::http {

class CurlLoop {
 public:
  CurlLoop();
  // Reports every transfer still running as cancelled, then stops the thread.
  ~CurlLoop();
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  // Any thread. The transfer is configured and started on the loop's thread.
  void start(std::unique_ptr<Transfer> t);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchpost::http
