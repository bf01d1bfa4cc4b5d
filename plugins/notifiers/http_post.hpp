// One HTTP POST for notifiers (libcurl), and what its answer means for delivery: 2xx taken;
// 408, 429, 5xx and transport failures worth retrying; other 4xx refused for good.
#pragma once

#include <watchpost/plugin.hpp>

#include <string>
#include <utility>
#include <vector>

namespace watchpost::notify {

struct Post {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type: application/json
  std::string body;
  long timeout_ms = 10000;
};

// The receiver as logs may name it: scheme://host[:port] only. A webhook URL often carries its
// secret in the path (Slack's do) or the query.
std::string receiver_of(const std::string& url);

// WP_OK, WP_RETRY or WP_ERROR, with a message that never quotes the URL.
Status post(const Post& request);

// The events that are changes: notifiers for people skip reminders (the alert still fires).
std::vector<AlertEvent> changes_only(const std::vector<AlertEvent>& events);

}  // namespace watchpost::notify
