// How much of the machine's CPU sat idle: the signal that more checks at once cannot finish
// sooner, because there is no CPU left to run them (ours, or the rest of the machine's).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace watchpost {

class MachineCpu {
 public:
  explicit MachineCpu(std::string stat_path = "/proc/stat") : path_(std::move(stat_path)) {}

  // The idle share (0..1) of all CPUs' time since the previous call; nothing on the first
  // call or when the counters cannot be read (not Linux, /proc not mounted).
  std::optional<double> idle_since_last();

 private:
  std::string path_;
  uint64_t last_total_ = 0, last_idle_ = 0;
};

}  // namespace watchpost
