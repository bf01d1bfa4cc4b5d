#include "login_throttle.hpp"

#include <algorithm>

namespace watchpost::api {

int64_t login_wait_s(int64_t failures, int64_t last_failed_s, int64_t now_s, int64_t free_failures) {
  if (failures < free_failures) return 0;
  int64_t shift = std::min<int64_t>(failures - free_failures, 10);
  int64_t wait = std::min<int64_t>(int64_t{1} << shift, 900);
  return std::max<int64_t>(0, last_failed_s + wait - now_s);
}

int64_t AddressThrottle::wait_s(const std::string& address, int64_t now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : login_wait_s(it->second.failures, it->second.last_failed_s, now_s, kFreeFailures);
}

void AddressThrottle::failed(const std::string& address, int64_t now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: past 10,000 addresses, those idle longest (15 min or more) are forgotten first.
  if (counts_.size() >= 10000)
    for (auto it = counts_.begin(); it != counts_.end();)
      it = now_s - it->second.last_failed_s > 900 ? counts_.erase(it) : std::next(it);
  if (counts_.size() >= 10000) counts_.erase(counts_.begin());
  Count& c = counts_[address];
  ++c.failures;
  c.last_failed_s = now_s;
}

void AddressThrottle::succeeded(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.erase(address);
}

}  // namespace watchpost::api
