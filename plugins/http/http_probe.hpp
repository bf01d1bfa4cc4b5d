// The http probe as the SDK sees it: options per target, checks handed to the curl engine.
#pragma once

#include "curl_engine.hpp"
#include "http_options.hpp"

namespace watchpost::http {

class HttpProbe final : public Probe {
 public:
  explicit HttpProbe(const Host&) {}

  static const std::vector<wp_option_spec>& options() { return option_specs(); }
  static void validate(const Options& o) { validate_options(o); }

  std::unique_ptr<ProbeTarget> make_target(const Options& o) override;
  void start(ProbeTarget& target, const Check& check, Completion done) override;

 private:
  CurlEngine engine_;
};

}  // namespace watchpost::http
