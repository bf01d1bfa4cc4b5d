#include "alertmanager.hpp"

#include "http_post.hpp"
#include "rfc3339.hpp"

#include <nlohmann/json.hpp>

namespace watchpost::notify {

const std::vector<wp_option_spec>& Alertmanager::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING_LIST,
                      "Alertmanager base URL (http://host:9093), or a list: each of a cluster gets every alert"),
      option("generator_url", WP_OPT_STRING, nullptr, "Link in every alert (e.g. watchpost's status page)"),
      option("firing_ttl", WP_OPT_DURATION, "5m",
             "A firing alert not sent again within this is resolved by Alertmanager: keep it above the rules' "
             "remind_every (Prometheus uses 4 × its resend delay)"),
      option("timeout", WP_OPT_DURATION, "10s", "A POST not answered by then is retried"),
  };
  return specs;
}

void Alertmanager::validate(const Options& o) {
  for (auto& url : o.list("url"))
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      throw OptionError("url", "must start with http:// or https://");
  if (o.integer("firing_ttl", 300000) < 1000) throw OptionError("firing_ttl", "must be at least 1s");
}

Alertmanager::Alertmanager(const Host& host, const Options& o)
    : host_(host),
      urls_(o.list("url")),
      generator_url_(o.string("generator_url")),
      firing_ttl_us_(o.integer("firing_ttl", 300000) * 1000),
      timeout_ms_(o.integer("timeout", 10000)) {
  for (auto& u : urls_)
    while (!u.empty() && u.back() == '/') u.pop_back();
}

std::string Alertmanager::payload(const std::vector<AlertEvent>& events, int64_t firing_ttl_us,
                                  const std::string& generator_url) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& e : events) {
    // Labels identify an alert to Alertmanager (its fingerprint): the same in every send of one
    // alert, whichever node sends it — so no node, no value.
    nlohmann::json labels = {{"alertname", e.rule()},
                             {"target_id", e.target_id()},
                             {"pipeline", e.pipeline()},
                             {"severity", e.severity()}};
    for (size_t i = 0; i < e.label_count(); ++i) {
      std::string k(e.label_key(i));
      if (!labels.contains(k)) labels[k] = std::string(e.label_value(i));
    }
    nlohmann::json a = {{"labels", labels},
                        {"annotations",
                         {{"summary", e.summary()}, {"value", e.value()}, {"url", e.url()}, {"node", e.node()}}},
                        {"startsAt", rfc3339(e.started_at_us())},
                        {"endsAt", rfc3339(e.firing() ? e.event_at_us() + firing_ttl_us : e.ended_at_us())}};
    if (!generator_url.empty()) a["generatorURL"] = generator_url;
    out.push_back(std::move(a));
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status Alertmanager::notify(const std::vector<AlertEvent>& events) {
  std::string body = payload(events, firing_ttl_us_, generator_url_);
  // Every Alertmanager of a cluster gets every alert (they deduplicate among themselves); one
  // that is down is retried with the batch — the others take a repeat as a refresh.
  for (auto& url : urls_) {
    Status s = post(Post{url + "/api/v2/alerts", {}, body, timeout_ms_});
    if (s.code != WP_OK) return s;
  }
  host_.count("alerts_sent", static_cast<double>(events.size()));
  return Status::ok();
}

}  // namespace watchpost::notify
