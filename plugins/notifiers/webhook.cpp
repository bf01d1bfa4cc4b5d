#include "webhook.hpp"

#include "http_post.hpp"
#include "rfc3339.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>


namespace watchpost::notify {

namespace {

nlohmann::json time_of(int64_t us) { return us > 0 ? nlohmann::json(rfc3339(us)) : nlohmann::json(nullptr); }

}  // namespace

const std::vector<wp_option_spec>& Webhook::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "Where to POST (http:// or https://); ${ENV} keeps a secret out of the file"),
      option("headers", WP_OPT_STRING_MAP, nullptr, "Extra request headers (name: value), e.g. Authorization"),
      option("secret", WP_OPT_STRING, nullptr,
             "Sign each body: X-Watchpost-Signature: sha256=HMAC-SHA256(secret, body) in hex"),
      option("timeout", WP_OPT_DURATION, "10s", "A POST not answered by then is retried"),
  };
  return specs;
}

void Webhook::validate(const Options& o) {
  std::string url = o.string("url");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw OptionError("url", "must start with http:// or https://");
  if (o.integer("timeout", 10000) < 100) throw OptionError("timeout", "must be at least 100ms");
}

Webhook::Webhook(const Host& host, const Options& o)
    : host_(host), url_(o.string("url")), secret_(o.string("secret")), timeout_ms_(o.integer("timeout", 10000)) {
  auto h = o.list("headers");
  for (size_t i = 0; i + 1 < h.size(); i += 2) headers_.emplace_back(h[i], h[i + 1]);
}

std::string Webhook::payload(const std::vector<AlertEvent>& events) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& e : events) {
    nlohmann::json labels = nlohmann::json::object();
    for (size_t i = 0; i < e.label_count(); ++i) labels[std::string(e.label_key(i))] = std::string(e.label_value(i));
    out.push_back({{"state", e.firing() ? "firing" : "resolved"},
                   {"alert_id", e.alert_id()},
                   {"rule", e.rule()},
                   {"severity", e.severity()},
                   {"summary", e.summary()},
                   {"pipeline", e.pipeline()},
                   {"target_id", e.target_id()},
                   {"url", e.url()},
                   {"labels", labels},
                   {"value", e.value()},
                   {"node", e.node()},
                   {"started_at", time_of(e.started_at_us())},
                   {"ended_at", time_of(e.ended_at_us())},
                   {"event_at", time_of(e.event_at_us())}});
  }
  // Invalid UTF-8 (from a target's error text) is replaced, never a reason to fail.
  return nlohmann::json{{"version", 1}, {"events", out}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Webhook::signature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

Status Webhook::notify(const std::vector<AlertEvent>& all) {
  // People are told of changes; a reminder that an alert still fires is for Alertmanager.
  std::vector<AlertEvent> events = changes_only(all);
  if (events.empty()) return Status::ok();
  Post p{url_, headers_, payload(events), timeout_ms_};
  if (!secret_.empty()) p.headers.emplace_back("X-Watchpost-Signature", signature(secret_, p.body));
  Status s = post(p);
  if (s.code == WP_OK) host_.count("events_sent", static_cast<double>(events.size()));
  return s;
}

}  // namespace watchpost::notify
