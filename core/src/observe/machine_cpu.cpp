#include "machine_cpu.hpp"

#include <fstream>
#include <sstream>

namespace watchpost {

std::optional<double> MachineCpu::idle_since_last() {
  // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ..." in
  // clock ticks since boot. Waiting for I/O is idle CPU too.
  std::ifstream in(path_);
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  std::istringstream fields(line);
  std::string name;
  fields >> name;
  if (name != "cpu") return std::nullopt;
  uint64_t total = 0, idle = 0, v = 0;
  for (int i = 0; i < 8 && fields >> v; ++i) {
    total += v;
    if (i == 3 || i == 4) idle += v;
  }
  if (total == 0) return std::nullopt;
  std::optional<double> share;
  if (last_total_ != 0 && total > last_total_ && idle >= last_idle_)
    share = static_cast<double>(idle - last_idle_) / static_cast<double>(total - last_total_);
  last_total_ = total;
  last_idle_ = idle;
  return share;
}

}  // namespace watchpost
