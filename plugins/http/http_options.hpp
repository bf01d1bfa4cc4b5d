// The http probe's options: declared once (schema, docs, validation) and parsed per target.
#pragma once

#include <watchpost/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

struct curl_slist;

namespace watchpost::http {

struct TargetConfig {
  std::string url;
  std::string method = "GET";
  bool head = false;
  bool has_body = false;  // POSTFIELDS set: a body, or an empty one for POST, PUT and PATCH
  std::string body;       // inline, or read from body_file when the target was parsed
  std::string username, password;  // basic_auth
  std::string bearer_token;
  long http_version = 0;  // CURL_HTTP_VERSION_*; 0: libcurl's default
  std::shared_ptr<curl_slist> headers;  // prebuilt once per target
  bool follow_redirects = true;
  long max_redirects = 5;
  std::vector<StatusRange> expected_status;
  bool tls_verify = true;
  std::string ca_file;
  long ip_resolve = 0;  // CURL_IPRESOLVE_*
  std::string user_agent;
  size_t max_body = 1 << 20;
  bool reuse_connections = false;
  bool https = false;

  bool status_expected(int status) const;
  std::string expected_text() const;
};

const std::vector<wp_option_spec>& option_specs();
// Throws OptionError naming the option.
void validate_options(const Options& options);
std::shared_ptr<const TargetConfig> parse_target(const Options& options);

}  // namespace watchpost::http
