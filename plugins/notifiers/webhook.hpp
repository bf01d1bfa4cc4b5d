// webhook: alert events as one JSON POST per batch (docs/alerting.md, "webhook"), optionally
// signed with HMAC-SHA256 so the receiver can tell watchpost sent it.
#pragma once

#include <watchpost/plugin.hpp>

#include <string>
#include <utility>
#include <vector>

namespace watchpost::notify {

class Webhook final : public Notifier {
 public:
  Webhook(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status notify(const std::vector<AlertEvent>& events) override;

  // The documented payload: {"version": 1, "events": [...]}.
  static std::string payload(const std::vector<AlertEvent>& events);
  // "sha256=" + hex HMAC-SHA256 of `body` under `secret`.
  static std::string signature(const std::string& secret, const std::string& body);

 private:
  Host host_;
  std::string url_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string secret_;
  long timeout_ms_;
};

}  // namespace watchpost::notify
