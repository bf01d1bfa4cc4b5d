// A request as the API's handlers see it, and what they answer: plain values, so routes are
// written and tested without Beast in sight.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace watchpost::api {

struct ApiRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // without the query
  std::map<std::string, std::string> query;
  std::string body;
  std::string authorization;  // the Authorization header
  std::string content_type;
  std::string peer;  // the client's address (per-address login throttling)
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace watchpost::api
