#include "alert_board.hpp"

#include <map>
#include <mutex>

namespace watchpost {

namespace {

struct Posted {
  const void* owner = nullptr;
  std::vector<AlertRecord> firing;
};

std::mutex mu;
std::map<std::string, Posted>& board() {
  static std::map<std::string, Posted> b;
  return b;
}

}  // namespace

void AlertBoard::post(const std::string& pipeline, const void* owner, std::vector<AlertRecord> firing) {
  std::lock_guard lock(mu);
  board()[pipeline] = Posted{owner, std::move(firing)};
}

void AlertBoard::take_down(const std::string& pipeline, const void* owner) {
  std::lock_guard lock(mu);
  auto it = board().find(pipeline);
  if (it != board().end() && it->second.owner == owner) board().erase(it);
}

std::vector<AlertRecord> AlertBoard::firing() const {
  std::lock_guard lock(mu);
  std::vector<AlertRecord> out;
  for (auto& [pipeline, posted] : board()) out.insert(out.end(), posted.firing.begin(), posted.firing.end());
  return out;
}

AlertBoard& alert_board() {
  static AlertBoard b;
  return b;
}

}  // namespace watchpost
