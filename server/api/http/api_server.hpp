// The API's HTTP(S) listener (Boost.Beast): keep-alive connections, each request handed to
// `handle` on one of the server's threads. Bounded everywhere an idle or hostile client could
// hold something: headers 16 KiB, bodies 64 KiB (413), a deadline for every request (a client
// that sends half a header is cut off), at most `max_connections` open.
#pragma once

#include "api_types.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace watchpost::api {

class ApiServer {
 public:
  struct Options {
    std::string listen = "127.0.0.1:8080";  // loopback unless told otherwise
    std::string tls_cert, tls_key;          // PEM files: HTTPS
    size_t threads = 4;                     // requests served at once (each may wait on PostgreSQL)
    size_t max_connections = 256;
    size_t max_body_bytes = 64 << 10;
    std::chrono::milliseconds request_timeout{10000};
    std::chrono::milliseconds idle_timeout{30000};
  };
  using Handle = std::function<ApiResponse(const ApiRequest&)>;

  // Listens at once (throws on a bad address or a busy port); serves once run() is called.
  ApiServer(Options options, Handle handle);
  ~ApiServer();
  uint16_t port() const;
  bool tls() const;
  // Serves on `threads` threads until stop().
  void run();
  void stop();

  struct Impl;  // the listener and its sessions (api_server.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchpost::api
