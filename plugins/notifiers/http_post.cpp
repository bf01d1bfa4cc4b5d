#include "http_post.hpp"

#include <curl/curl.h>

#include <memory>

namespace watchpost::notify {

std::string receiver_of(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "the receiver";
  size_t host = scheme + 3;
  size_t end = url.find_first_of("/?#", host);
  std::string authority = url.substr(host, end == std::string::npos ? std::string::npos : end - host);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);  // no userinfo
  return url.substr(0, host) + authority;
}

Status post(const Post& r) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::retry("cannot make a libcurl handle");
  struct curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  for (auto& [name, value] : r.headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(list, curl_slist_free_all);
  std::string answer;
  curl_easy_setopt(curl.get(), CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, r.body.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, r.timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "watchpost-notifier");
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* user) {
    auto* s = static_cast<std::string*>(user);
    if (s->size() < 512) s->append(data, std::min(size * n, 512 - s->size()));
    return size * n;
  });
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
  CURLcode rc = curl_easy_perform(curl.get());
  std::string who = receiver_of(r.url);
  if (rc != CURLE_OK) return Status::retry(who + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return Status::ok();
  // The answer's first bytes say why; they are the receiver's words, not ours to trust: one line.
  for (char& c : answer)
    if (c == '\n' || c == '\r') c = ' ';
  std::string why = who + " answered HTTP " + std::to_string(status) + (answer.empty() ? "" : ": " + answer.substr(0, 200));
  if (status == 408 || status == 429 || status >= 500) return Status::retry(why);
  return Status::error(why);
}

std::vector<AlertEvent> changes_only(const std::vector<AlertEvent>& events) {
  std::vector<AlertEvent> out;
  for (auto& e : events)
    if (!e.reminder()) out.push_back(e);
  return out;
}

}  // namespace watchpost::notify
