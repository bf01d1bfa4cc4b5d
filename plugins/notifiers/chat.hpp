// slack and pagerduty: alert events for the two receivers people are paged through most.
//   slack      one incoming-webhook message per batch ({"text": ...}, Slack's mrkdwn)
//   pagerduty  Events API v2: one trigger or resolve per event, dedup_key = the alert's id, so
//              PagerDuty opens one incident per alert and closes it on the resolve
// Both ignore reminders: people are told of changes.
#pragma once

#include <watchpost/plugin.hpp>

#include <string>
#include <vector>

namespace watchpost::notify {

class Slack final : public Notifier {
 public:
  Slack(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status notify(const std::vector<AlertEvent>& events) override;
  static std::string payload(const std::vector<AlertEvent>& events);

 private:
  std::string url_;
  long timeout_ms_;
};

class PagerDuty final : public Notifier {
 public:
  PagerDuty(const Host& host, const Options& options);
  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& options);
  Status notify(const std::vector<AlertEvent>& events) override;
  static std::string payload(const AlertEvent& event, const std::string& routing_key);

 private:
  std::string url_, routing_key_;
  long timeout_ms_;
};

}  // namespace watchpost::notify
