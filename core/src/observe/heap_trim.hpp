// Gives memory freed after a burst back to the operating system. glibc keeps freed memory in
// its arenas, so without this a node's RSS stays at its high-water mark — a start-up catch-up,
// an outage's backlog, a reload — and an operator reading RSS sees the worst moment, not now.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace watchpost {

class HeapTrim {
 public:
  HeapTrim(boost::asio::io_context& io, std::chrono::seconds every);
  void start();
  void stop();

 private:
  void arm();
  boost::asio::steady_timer timer_;
  std::chrono::seconds every_;
};

}  // namespace watchpost
