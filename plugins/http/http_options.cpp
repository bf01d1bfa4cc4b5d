#include "http_options.hpp"

#include <curl/curl.h>
#include <watchpost/plugin.hpp>

#include <fstream>
#include <iterator>
#include <watchpost/redact.hpp>

namespace watchpost::http {

const std::vector<wp_option_spec>& option_specs() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "http:// or https:// URL to check"),
      option("method", WP_OPT_STRING, "GET", "HTTP method", "GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS"),
      option("headers", WP_OPT_STRING_MAP, nullptr, "Extra request headers (name: value)"),
      option("body", WP_OPT_STRING, nullptr, "Request body (POST, PUT, PATCH, DELETE, OPTIONS); set Content-Type in headers"),
      option("body_file", WP_OPT_STRING, nullptr, "File whose content is the request body (read at load, at most 1 MiB)"),
      option("basic_auth", WP_OPT_STRING_MAP, nullptr,
             "username and password for HTTP basic auth (use ${ENV} for the password; never logged)"),
      option("bearer_token", WP_OPT_STRING, nullptr, "Authorization: Bearer token (use ${ENV}; never logged)"),
      option("http_version", WP_OPT_STRING, "auto",
             "auto (libcurl's choice: HTTP/2 over TLS when offered), 1.1, or 2 (also over http://, prior knowledge)",
             "auto|1.1|2"),
      option("follow_redirects", WP_OPT_BOOL, "true", "Follow 3xx Location headers"),
      option("max_redirects", WP_OPT_INT, "5", "Redirects followed before failing with 'redirects'"),
      option("expected_status", WP_OPT_STRING_LIST, "200-399", "Statuses that mean up: 200, 200-299, 2xx"),
      option("tls_verify", WP_OPT_BOOL, "true", "Verify the certificate chain and host name"),
      option("ca_file", WP_OPT_STRING, nullptr, "PEM file of CA certificates to trust instead of the system's"),
      option("ip_family", WP_OPT_STRING, "any", "Address family to connect with", "any|ipv4|ipv6"),
      option("user_agent", WP_OPT_STRING, "watchpost/0.1", "User-Agent header"),
      option("max_body", WP_OPT_BYTES, "1MiB", "Body bytes kept for evaluators; the rest is read and counted"),
      option("reuse_connections", WP_OPT_BOOL, "false", "Keep connections between checks (off: each check measures a fresh connection)"),
  };
  return specs;
}

bool TargetConfig::status_expected(int status) const {
  for (auto& r : expected_status)
    if (status >= r.low && status <= r.high) return true;
  return false;
}

std::string TargetConfig::expected_text() const {
  std::string out;
  for (auto& r : expected_status) {
    if (!out.empty()) out += ", ";
    out += std::to_string(r.low);
    if (r.high != r.low) out += "-" + std::to_string(r.high);
  }
  return out;
}

namespace {

constexpr size_t kMaxBody = 1 << 20;

bool takes_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" || method == "OPTIONS";
}

// The body_file's content; throws OptionError when it cannot be read or is too large.
std::string read_body_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OptionError("body_file", "cannot read '" + path + "'");
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (body.size() > kMaxBody) throw OptionError("body_file", "'" + path + "' is larger than 1 MiB");
  return body;
}

}  // namespace

void validate_options(const Options& o) {
  std::string url = o.string("url");
  CURLU* u = curl_url();
  CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), 0);
  char* scheme = nullptr;
  if (rc == CURLUE_OK) curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
  std::string s = scheme ? scheme : "";
  curl_free(scheme);
  curl_url_cleanup(u);
  if (rc != CURLUE_OK)
    throw OptionError("url", "'" + redact_url(url) + "' is not a valid URL: " + curl_url_strerror(rc));
  if (s != "http" && s != "https")
    throw OptionError("url", "'" + redact_url(url) + "': only http:// and https:// are checked");
  for (auto& item : o.list("expected_status"))
    if (!parse_status_range(item))
      throw OptionError("expected_status", "'" + item + "' is not a status, range or class (e.g. 200, 200-299, 2xx)");
  if (o.list("expected_status").empty()) throw OptionError("expected_status", "give at least one status");
  long redirects = static_cast<long>(o.integer("max_redirects", 5));
  if (redirects < 0 || redirects > 50) throw OptionError("max_redirects", "must be between 0 and 50");
  for (auto& [name, value] : o.map("headers")) {
    if (name.empty() || name.find_first_of(":\r\n ") != std::string::npos)
      throw OptionError("headers", "'" + name + "' is not a valid header name");
    if (value.find_first_of("\r\n") != std::string::npos)
      throw OptionError("headers", "the value of '" + name + "' contains a line break");
  }
  std::string method = o.string("method", "GET");
  bool body = o.has("body"), file = o.has("body_file");
  if (body && file) throw OptionError("body_file", "give body or body_file, not both");
  if ((body || file) && !takes_body(method))
    throw OptionError(body ? "body" : "body_file", "a body needs method POST, PUT, PATCH, DELETE or OPTIONS (method is " + method + ")");
  if (body && o.string("body").size() > kMaxBody) throw OptionError("body", "is larger than 1 MiB: use a smaller body");
  if (file) read_body_file(o.string("body_file"));
  if (o.has("basic_auth")) {
    auto auth = o.map("basic_auth");
    bool user = false;
    for (auto& [key, value] : auth) {
      if (key != "username" && key != "password")
        throw OptionError("basic_auth", "unknown key '" + key + "': give username and password");
      if (key == "username") user = !value.empty();
      if (key == "username" && value.find(':') != std::string::npos)
        throw OptionError("basic_auth", "a username cannot contain ':'");
    }
    if (!user) throw OptionError("basic_auth", "give a username (and a password)");
    if (o.has("bearer_token")) throw OptionError("bearer_token", "give basic_auth or bearer_token, not both");
  }
  if (o.has("bearer_token") && o.string("bearer_token").find_first_of("\r\n") != std::string::npos)
    throw OptionError("bearer_token", "contains a line break");
  if (o.string("http_version", "auto") == "2" && !(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2))
    throw OptionError("http_version", "this libcurl was built without HTTP/2: use auto or 1.1");
}

std::shared_ptr<const TargetConfig> parse_target(const Options& o) {
  validate_options(o);
  auto t = std::make_shared<TargetConfig>();
  t->url = o.string("url");
  t->https = t->url.compare(0, 8, "https://") == 0 || t->url.compare(0, 8, "HTTPS://") == 0;
  t->method = o.string("method", "GET");
  t->head = t->method == "HEAD";
  if (o.has("body")) t->body = o.string("body");
  if (o.has("body_file")) t->body = read_body_file(o.string("body_file"));
  // POST, PUT and PATCH always send a Content-Length (0 without a body), as servers expect.
  t->has_body = o.has("body") || o.has("body_file") || t->method == "POST" || t->method == "PUT" || t->method == "PATCH";
  for (auto& [key, value] : o.map("basic_auth")) (key == "username" ? t->username : t->password) = value;
  t->bearer_token = o.string("bearer_token");
  std::string version = o.string("http_version", "auto");
  t->http_version = version == "1.1" ? CURL_HTTP_VERSION_1_1
                    : version == "2" ? (t->url.compare(0, 5, "http:") == 0 ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                                                                            : CURL_HTTP_VERSION_2TLS)
                                     : CURL_HTTP_VERSION_NONE;
  curl_slist* list = nullptr;
  for (auto& [name, value] : o.map("headers")) list = curl_slist_append(list, (name + ": " + value).c_str());
  t->headers = std::shared_ptr<curl_slist>(list, [](curl_slist* l) { curl_slist_free_all(l); });
  t->follow_redirects = o.boolean("follow_redirects", true);
  t->max_redirects = static_cast<long>(o.integer("max_redirects", 5));
  for (auto& item : o.list("expected_status")) t->expected_status.push_back(*parse_status_range(item));
  t->tls_verify = o.boolean("tls_verify", true);
  t->ca_file = o.string("ca_file");
  std::string family = o.string("ip_family", "any");
  t->ip_resolve = family == "ipv4" ? CURL_IPRESOLVE_V4 : family == "ipv6" ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_WHATEVER;
  t->user_agent = o.string("user_agent", "watchpost/0.1");
  t->max_body = static_cast<size_t>(o.integer("max_body", 1 << 20));
  t->reuse_connections = o.boolean("reuse_connections", false);
  return t;
}

}  // namespace watchpost::http
