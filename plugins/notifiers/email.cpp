#include "email.hpp"

#include "http_post.hpp"
#include "rfc3339.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>

#include <cstring>
#include <ctime>
#include <memory>

namespace watchpost::notify {

namespace {

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A header value on one line: a target's error text must not start a header of its own.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\r' || c == '\n') c = ' ';
  return out;
}

std::string rfc5322_date(int64_t us) {
  time_t t = static_cast<time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return out;
}

}  // namespace

const std::vector<wp_option_spec>& Email::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "SMTP server: smtp://host:587 (smtps://host:465 for TLS from the start)"),
      required_option("from", WP_OPT_STRING, "Sender address"),
      required_option("to", WP_OPT_STRING_LIST, "Recipient addresses"),
      option("username", WP_OPT_STRING, nullptr, "SMTP login"),
      option("password", WP_OPT_STRING, nullptr, "SMTP password (use ${ENV})"),
      option("starttls", WP_OPT_STRING, "try", "STARTTLS on smtp://: try (when offered), require, or off",
             "try|require|off"),
      option("timeout", WP_OPT_DURATION, "30s", "A delivery not done by then is retried"),
  };
  return specs;
}

void Email::validate(const Options& o) {
  std::string url = o.string("url");
  if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0)
    throw OptionError("url", "must start with smtp:// or smtps://");
  for (auto& a : o.list("to"))
    if (a.find('@') == std::string::npos || a.find_first_of("\r\n<>") != std::string::npos)
      throw OptionError("to", "'" + a + "' is not a mail address");
  std::string from = o.string("from");
  if (from.find('@') == std::string::npos || from.find_first_of("\r\n<>") != std::string::npos)
    throw OptionError("from", "is not a mail address");
}

Email::Email(const Host&, const Options& o)
    : url_(o.string("url")),
      from_(o.string("from")),
      username_(o.string("username")),
      password_(o.string("password")),
      starttls_(o.string("starttls", "try")),
      to_(o.list("to")),
      timeout_ms_(o.integer("timeout", 30000)) {}

std::string Email::message(const std::vector<AlertEvent>& events, int64_t now_us) const {
  size_t firing = 0;
  for (auto& e : events) firing += e.firing();
  std::string subject = events.size() == 1
                            ? std::string(events[0].firing() ? "[FIRING] " : "[RESOLVED] ") + one_line(events[0].summary())
                            : "[watchpost] " + std::to_string(firing) + " firing, " +
                                  std::to_string(events.size() - firing) + " resolved";
  std::string text, html = "<ul>\r\n";
  for (auto& e : events) {
    std::string state = e.firing() ? "FIRING" : "RESOLVED";
    text += state + " [" + one_line(e.severity()) + "] " + one_line(e.summary()) + "\r\n  rule " + one_line(e.rule()) +
            ", pipeline " + one_line(e.pipeline()) + ", target " + one_line(e.target_id()) + " (" + one_line(e.url()) +
            ")\r\n  since " + rfc3339(e.started_at_us()) + ", node " + one_line(e.node()) + "\r\n\r\n";
    html += "<li><b>" + state + "</b> [" + html_escape(e.severity()) + "] " + html_escape(e.summary()) +
            "<br>rule " + html_escape(e.rule()) + ", target " + html_escape(e.target_id()) + ", since " +
            rfc3339(e.started_at_us()) + "</li>\r\n";
  }
  html += "</ul>\r\n";
  std::string boundary = "watchpost-" + std::to_string(now_us);
  std::string to;
  for (auto& a : to_) to += (to.empty() ? "" : ", ") + a;
  return "Date: " + rfc5322_date(now_us) + "\r\nFrom: " + from_ + "\r\nTo: " + to + "\r\nSubject: " + subject +
         "\r\nMessage-ID: <" + std::to_string(now_us) + "." + std::string(events[0].alert_id().size() ? "alert" : "x") +
         "@watchpost>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"" + boundary +
         "\"\r\n\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "--" + boundary +
         "\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "--" + boundary + "--\r\n";
}

Status Email::notify(const std::vector<AlertEvent>& all) {
  std::vector<AlertEvent> events = changes_only(all);
  if (events.empty()) return Status::ok();
  struct Reader {
    std::string data;
    size_t at = 0;
  } reader{message(events, std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count()),
           0};
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::retry("cannot make a libcurl handle");
  curl_slist* rcpt = nullptr;
  for (auto& a : to_) rcpt = curl_slist_append(rcpt, ("<" + a + ">").c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> recipients(rcpt, curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, ("<" + from_ + ">").c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
  if (!username_.empty()) curl_easy_setopt(curl.get(), CURLOPT_USERNAME, username_.c_str());
  if (!password_.empty()) curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, password_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_USE_SSL,
                   starttls_ == "require" ? CURLUSESSL_ALL : starttls_ == "off" ? CURLUSESSL_NONE : CURLUSESSL_TRY);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, +[](char* buf, size_t size, size_t n, void* user) {
    auto* r = static_cast<Reader*>(user);
    size_t take = std::min(size * n, r->data.size() - r->at);
    std::memcpy(buf, r->data.data() + r->at, take);
    r->at += take;
    return take;
  });
  curl_easy_setopt(curl.get(), CURLOPT_READDATA, &reader);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc == CURLE_OK) return Status::ok();
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  std::string why = receiver_of(url_) + ": " + curl_easy_strerror(rc) + (code ? " (SMTP " + std::to_string(code) + ")" : "");
  // 5xx from the server is a refusal for good (a recipient that does not exist); the rest retries.
  if (code >= 500 && code < 600) return Status::error(why);
  return Status::retry(why);
}

}  // namespace watchpost::notify
