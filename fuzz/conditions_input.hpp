// How the conditions fuzzer reads an input (and the regression test replays it): the first
// line is a condition's text, the rest the body it is judged on, with a JSON Content-Type.
#pragma once

#include <watchpost/plugin_api.h>

#include <climits>
#include <string>

namespace watchpost::fuzzing {

struct ConditionsInput {
  explicit ConditionsInput(const std::string& in) {
    size_t newline = in.find('\n');
    text = in.substr(0, newline);
    body = newline == std::string::npos ? "" : in.substr(newline + 1);
    result.struct_size = sizeof result;
    result.http_status = 200;
    result.total_us = 1000;
    result.tls_days_left = INT32_MIN;
    result.body = {body.data(), body.size()};
    result.headers = &header;
    result.header_count = 1;
  }
  ConditionsInput(const ConditionsInput&) = delete;
  ConditionsInput& operator=(const ConditionsInput&) = delete;

  std::string text, body;
  wp_label header{{"Content-Type", 12}, {"application/json", 16}};
  wp_result result{};
};

}  // namespace watchpost::fuzzing
