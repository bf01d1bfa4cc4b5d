#include "http_probe.hpp"

namespace watchpost::http {
namespace {

// Holds the parsed config by shared_ptr: a check in flight keeps it alive even if the core
// drops the target first.
struct HttpTarget final : ProbeTarget {
  std::shared_ptr<const TargetConfig> config;
};

}  // namespace

std::unique_ptr<ProbeTarget> HttpProbe::make_target(const Options& o) {
  auto t = std::make_unique<HttpTarget>();
  t->config = parse_target(o);
  return t;
}

void HttpProbe::start(ProbeTarget& target, const Check& check, Completion done) {
  engine_.start(static_cast<HttpTarget&>(target).config, check, std::move(done));
}

}  // namespace watchpost::http
