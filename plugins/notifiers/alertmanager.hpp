// alertmanager: alert events as Prometheus Alertmanager's own input, POST /api/v2/alerts, the
// way Prometheus sends them — so Alertmanager's grouping, inhibition, silences and routing to
// every receiver work unchanged. A firing alert is sent with endsAt = now + firing_ttl and
// sent again at each reminder (the rule's remind_every), as Prometheus re-sends; a resolved
// one with endsAt = when it resolved.
#pragma once

#include <watchpost/plugin.hpp>

#include <string>
#include <vector>

namespace watchpost::notify {

class Alertmanager final : public Notifier {
 public:
  Alertmanager(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status notify(const std::vector<AlertEvent>& events) override;

  // The request body: an array of postable alerts (Alertmanager's OpenAPI, v2).
  static std::string payload(const std::vector<AlertEvent>& events, int64_t firing_ttl_us,
                             const std::string& generator_url);

 private:
  Host host_;
  std::vector<std::string> urls_;  // each Alertmanager of a cluster gets every alert
  std::string generator_url_;
  int64_t firing_ttl_us_;
  long timeout_ms_;
};

}  // namespace watchpost::notify
