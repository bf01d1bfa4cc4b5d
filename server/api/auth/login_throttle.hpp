// Slows down password guessing without locking anyone out for good: after 5 wrong passwords in
// a row for one account (counted in the users table, so every instance behind a load balancer
// sees them) or 20 from one address (counted here), each further attempt must wait
// 2^(n - limit) seconds after the last failure, at most 15 minutes. An attempt made sooner is
// refused (429 with Retry-After) without its password being checked; once the wait is over the
// right password works, and resets the count.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace watchpost::api {

// Seconds still to wait after `failures` failures, the last at `last_failed_s`; 0: go ahead.
int64_t login_wait_s(int64_t failures, int64_t last_failed_s, int64_t now_s, int64_t free_failures);

class AddressThrottle {
 public:
  static constexpr int64_t kFreeFailures = 20;
  int64_t wait_s(const std::string& address, int64_t now_s);
  void failed(const std::string& address, int64_t now_s);
  void succeeded(const std::string& address);

 private:
  struct Count {
    int64_t failures = 0, last_failed_s = 0;
  };
  std::mutex mu_;
  std::map<std::string, Count> counts_;
};

constexpr int64_t kAccountFreeFailures = 5;

}  // namespace watchpost::api
