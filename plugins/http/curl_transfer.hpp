// One HTTP check as libcurl sees it: the options set on an easy handle, and the report read
// back from it when the transfer ends. No event loop here; see curl_loop.hpp for that.
#pragma once

#include "http_options.hpp"

#include <curl/curl.h>

#include <chrono>
#include <climits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace watchpost::http {

struct Transfer {
  CURL* easy = nullptr;  // borrowed from the loop's pool while the check runs
  std::shared_ptr<const TargetConfig> target;
  long timeout_ms = 0;
  Completion done;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // the latest response's, bounded
  uint64_t bytes = 0;
  int32_t tls_days_left = INT32_MIN;
  int64_t tls_earliest_expiry_us = 0;
  bool tls_looked = false;
  char error[CURL_ERROR_SIZE] = {};
  int socket_errno = 0;
  std::chrono::steady_clock::time_point started;  // when the loop added it  // why this process could not open a socket (EMFILE...): our fault, not the site's

  Transfer(std::shared_ptr<const TargetConfig> t, long timeout, Completion d)
      : target(std::move(t)), timeout_ms(timeout), done(std::move(d)) {}
};

// Sets every option a check needs on a freshly reset handle.
void configure(CURL* easy, Transfer& t);

// What the finished transfer observed: phases, status, failure kind.
Report report_for(Transfer& t, CURLcode code);

}  // namespace watchpost::http
