// One check through a probe object directly (no core, no dlopen): options in, the report
// out, waited on with a deadline. Shared by the tests of every probe plugin.
#pragma once

#include <watchpost/testing.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace watchpost::testing {

// Every field of the report, owned.
struct Seen {
  int32_t outcome = -1, error_kind = -1, http_status = 0, redirects = 0, tls_days_left = INT32_MIN, ip_family = 0;
  uint64_t bytes = 0;
  int64_t dns_us = -1, connect_us = -1, tls_us = -1, first_byte_us = -1, total_us = -1;
  std::string message, body, ip;
  int64_t tls_earliest_expiry_us = 0;
  std::vector<std::pair<std::string, std::string>> headers;
};

// `P` is a probe class of the SDK (static options(), validate(), make_target(), start()).
// `lists`: list-valued options (expected_status: [200, 3xx]).
template <class P>
Seen run_check(P& probe, const std::map<std::string, std::string>& opts, uint32_t timeout_ms = 3000,
               const std::map<std::string, std::vector<std::string>>& lists = {}) {
  OptionsBuilder b(P::options());
  for (auto& [k, v] : opts) b.set(k, v);
  for (auto& [k, v] : lists) b.set_list(k, v);
  auto built = b.build();
  P::validate(built.options());
  auto target = probe.make_target(built.options());
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    int calls = 0;
    Seen seen;
  } w;
  auto on_done = [](void* ctx, const wp_probe_report* r) {
    auto* w = static_cast<Waiter*>(ctx);
    std::lock_guard<std::mutex> lock(w->mu);
    ++w->calls;
    Seen& s = w->seen;
    s.outcome = r->outcome;
    s.error_kind = r->error_kind;
    s.http_status = r->http_status;
    s.redirects = r->redirects;
    s.tls_days_left = r->tls_days_left;
    s.ip_family = r->ip_family;
    s.bytes = r->bytes_received;
    s.dns_us = r->dns_us;
    s.connect_us = r->connect_us;
    s.tls_us = r->tls_us;
    s.first_byte_us = r->first_byte_us;
    s.total_us = r->total_us;
    s.message = std::string(view(r->error_message));
    s.body = std::string(view(r->body));
    s.ip = std::string(view(r->resolved_ip));
    s.tls_earliest_expiry_us = r->tls_earliest_expiry_us;
    for (size_t i = 0; i < r->header_count; ++i)
      s.headers.emplace_back(std::string(view(r->headers[i].key)), std::string(view(r->headers[i].value)));
    w->cv.notify_all();
  };
  std::string rid = "01TESTRESULTID000000000000";
  probe.start(*target, Check{1, rid, timeout_ms, 1}, Completion(on_done, &w, 1));
  std::unique_lock<std::mutex> lock(w.mu);
  EXPECT_TRUE(w.cv.wait_for(lock, std::chrono::seconds(30), [&] { return w.calls > 0; }));
  EXPECT_EQ(w.calls, 1) << "reported exactly once";
  return w.seen;
}

}  // namespace watchpost::testing
