#include "chat.hpp"

#include "http_post.hpp"
#include "rfc3339.hpp"

#include <nlohmann/json.hpp>

namespace watchpost::notify {

namespace {

void require_http_url(const Options& o, const char* name) {
  std::string url = o.string(name);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw OptionError(name, "must start with http:// or https://");
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

// ---- slack ------------------------------------------------------------------------------

const std::vector<wp_option_spec>& Slack::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "The incoming webhook's URL (a secret: use ${ENV})"),
      option("timeout", WP_OPT_DURATION, "10s", "A POST not answered by then is retried"),
  };
  return specs;
}

void Slack::validate(const Options& o) { require_http_url(o, "url"); }

Slack::Slack(const Host&, const Options& o) : url_(o.string("url")), timeout_ms_(o.integer("timeout", 10000)) {}

std::string Slack::payload(const std::vector<AlertEvent>& events) {
  std::string text;
  for (auto& e : events) {
    if (!text.empty()) text += "\n";
    text += std::string(e.firing() ? ":red_circle: *FIRING*" : ":large_green_circle: *RESOLVED*") + " [" +
            std::string(e.severity()) + "] " + std::string(e.summary()) + " (rule " + std::string(e.rule()) +
            ", " + std::string(e.pipeline()) + ")";
  }
  return dump({{"text", text}});
}

Status Slack::notify(const std::vector<AlertEvent>& all) {
  auto events = changes_only(all);
  if (events.empty()) return Status::ok();
  return post(Post{url_, {}, payload(events), timeout_ms_});
}

// ---- pagerduty --------------------------------------------------------------------------

const std::vector<wp_option_spec>& PagerDuty::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("routing_key", WP_OPT_STRING, "The service's integration key (a secret: use ${ENV})"),
      option("url", WP_OPT_STRING, "https://events.pagerduty.com/v2/enqueue", "The Events API v2 endpoint"),
      option("timeout", WP_OPT_DURATION, "10s", "A POST not answered by then is retried"),
  };
  return specs;
}

void PagerDuty::validate(const Options& o) {
  require_http_url(o, "url");
  if (o.string("routing_key").empty()) throw OptionError("routing_key", "must not be empty");
}

PagerDuty::PagerDuty(const Host&, const Options& o)
    : url_(o.string("url", "https://events.pagerduty.com/v2/enqueue")),
      routing_key_(o.string("routing_key")),
      timeout_ms_(o.integer("timeout", 10000)) {}

std::string PagerDuty::payload(const AlertEvent& e, const std::string& routing_key) {
  // PagerDuty's four severities; anything else is an error.
  std::string severity(e.severity());
  if (severity != "critical" && severity != "warning" && severity != "info") severity = "error";
  nlohmann::json details = {{"rule", e.rule()}, {"value", e.value()}, {"url", e.url()}, {"node", e.node()}};
  for (size_t i = 0; i < e.label_count(); ++i) details[std::string(e.label_key(i))] = std::string(e.label_value(i));
  nlohmann::json j = {{"routing_key", routing_key},
                      {"event_action", e.firing() ? "trigger" : "resolve"},
                      {"dedup_key", e.alert_id()}};
  if (e.firing())
    j["payload"] = {{"summary", e.summary()},
                    {"source", e.target_id()},
                    {"severity", severity},
                    {"timestamp", rfc3339(e.started_at_us())},
                    {"component", e.pipeline()},
                    {"custom_details", details}};
  return dump(j);
}

Status PagerDuty::notify(const std::vector<AlertEvent>& all) {
  // One event per request (the API's shape). A failure part-way sends the earlier ones again on
  // the retry: PagerDuty folds a repeated trigger or resolve into the same incident (dedup_key).
  for (auto& e : changes_only(all)) {
    Status s = post(Post{url_, {}, payload(e, routing_key_), timeout_ms_});
    if (s.code != WP_OK) return s;
  }
  return Status::ok();
}

}  // namespace watchpost::notify
