// Errors as RFC 7807 problem details (application/problem+json): a status, a title, what went
// wrong in words, and the request field at fault when there is one. Handlers throw ApiError;
// the router turns it into the response. Messages never carry secrets or internal detail.
#pragma once

#include "api_types.hpp"

#include <stdexcept>
#include <string>

namespace watchpost::api {

struct ApiError : std::runtime_error {
  unsigned status;
  std::string field;  // the JSON field or query parameter at fault; empty when none
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
  ApiError(unsigned status, const std::string& detail, std::string field = "")
      : std::runtime_error(detail), status(status), field(std::move(field)) {}
};

ApiResponse problem_response(unsigned status, const std::string& detail, const std::string& field = "");
inline ApiResponse problem_response(const ApiError& e) {
  ApiResponse r = problem_response(e.status, e.what(), e.field);
  r.headers.insert(r.headers.end(), e.headers.begin(), e.headers.end());
  return r;
}

}  // namespace watchpost::api
