// The test's side of HTTP on 127.0.0.1: a GET with libcurl, and a free port to listen on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

namespace watchpost::testing {

// Returns status (0 when there was no answer) and body.
// `ca_file`: the CA to verify an https:// server with.
inline std::pair<long, std::string> http_get(const std::string& url, const std::vector<std::string>& headers = {},
                                             long timeout_ms = 5000, const std::string& ca_file = "") {
  std::string body;
  CURL* c = curl_easy_init();
  curl_slist* list = nullptr;
  for (auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (!ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
  });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  curl_slist_free_all(list);
  return {status, body};
}

struct HttpAnswer {
  long status = 0;  // 0: no answer
  std::string body;
  std::string headers;  // as received, lower-case names not guaranteed
};

// Any method, a body (sent as application/json unless a Content-Type header is given).
inline HttpAnswer http_request(const std::string& method, const std::string& url, const std::string& body = "",
                               const std::vector<std::string>& headers = {}, long timeout_ms = 10000) {
  HttpAnswer a;
  CURL* c = curl_easy_init();
  curl_slist* list = nullptr;
  bool typed = false;
  for (auto& h : headers) {
    list = curl_slist_append(list, h.c_str());
    typed = typed || h.rfind("Content-Type:", 0) == 0;
  }
  if (!body.empty() && !typed) list = curl_slist_append(list, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (!body.empty() || method == "POST" || method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  auto append = +[](char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
  };
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &a.headers);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
  curl_easy_cleanup(c);
  curl_slist_free_all(list);
  return a;
}

inline uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace watchpost::testing
