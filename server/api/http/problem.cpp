#include "problem.hpp"

#include <nlohmann/json.hpp>

namespace watchpost::api {

namespace {

const char* title_of(unsigned status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace

ApiResponse problem_response(unsigned status, const std::string& detail, const std::string& field) {
  nlohmann::json j = {{"type", "about:blank"}, {"title", title_of(status)}, {"status", status}, {"detail", detail}};
  if (!field.empty()) j["field"] = field;
  ApiResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  // Invalid UTF-8 from a request (echoed in a detail) is replaced, never a reason to fail.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace watchpost::api
