#include "heap_trim.hpp"

#include "observe/metrics.hpp"

#include <malloc.h>

namespace watchpost {

HeapTrim::HeapTrim(boost::asio::io_context& io, std::chrono::seconds every) : timer_(io), every_(every) {}

void HeapTrim::start() { arm(); }

void HeapTrim::stop() { timer_.cancel(); }

void HeapTrim::arm() {
  timer_.expires_after(every_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    auto begin = std::chrono::steady_clock::now();
    if (malloc_trim(0)) metrics().add("watchpost_heap_trims_total");
    metrics().add("watchpost_heap_trim_seconds_total",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    arm();
  });
}

}  // namespace watchpost
