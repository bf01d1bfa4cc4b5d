#include "curl_transfer.hpp"

#include "peer_certificates.hpp"

#include "curl_errors.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace watchpost::http {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  t->bytes += len;
  if (t->body.size() < t->target->max_body)
    t->body.append(data, std::min(len, t->target->max_body - t->body.size()));
  return len;  // the rest is read and counted, not kept
}

constexpr size_t kMostHeaders = 64, kLongestName = 256, kLongestValue = 4096;

// Keeps the headers of the latest response (a redirect's or a 100 Continue's are dropped when
// the next status line comes), bounded: at most 64, a longer name or value is not kept.
void keep_header(Transfer& t, std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.compare(0, 5, "HTTP/") == 0) {
    t.headers.clear();
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || t.headers.size() >= kMostHeaders) return;
  std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (name.size() > kLongestName || value.size() > kLongestValue) return;
  t.headers.emplace_back(name, value);
}

// The first response header is also the earliest point where the TLS session is there to ask.
size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  keep_header(*t, std::string_view(data, size * n));
  if (t->target->https && !t->tls_looked) {
    t->tls_looked = true;
    curl_tlssessioninfo* info = nullptr;
    if (curl_easy_getinfo(t->easy, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info &&
        info->backend == CURLSSLBACKEND_OPENSSL && info->internals) {
      auto peer = tls::read_peer_certificates(static_cast<SSL*>(info->internals));
      t->tls_days_left = peer.leaf_days_left;
      t->tls_earliest_expiry_us = peer.earliest_expiry_us;
    }
  }
  return size * n;
}

curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* a) {
  curl_socket_t fd = ::socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
  if (fd == CURL_SOCKET_BAD) static_cast<Transfer*>(user)->socket_errno = errno;
  return fd;
}

// The CA bundle file libcurl was built to use, or null when it has none (then its default
// folder stays in charge and no cache applies).
const char* system_ca_bundle() {
  static const char* bundle = [] {
    const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
    return v && v->cainfo && *v->cainfo ? v->cainfo : nullptr;
  }();
  return bundle;
}

int64_t info_us(CURL* e, CURLINFO what) {
  curl_off_t v = 0;
  return curl_easy_getinfo(e, what, &v) == CURLE_OK ? static_cast<int64_t>(v) : 0;
}

}  // namespace

void configure(CURL* e, Transfer& t) {
  const TargetConfig& c = *t.target;
  t.easy = e;
  curl_easy_setopt(e, CURLOPT_URL, c.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  t.socket_errno = 0;
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  t.headers.clear();
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t.timeout_ms);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, c.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, c.max_redirects);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c.tls_verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c.tls_verify ? 2L : 0L);
  if (c.tls_verify) {
    // libcurl keeps a parsed CA store per multi handle (CURLOPT_CA_CACHE_TIMEOUT), but only
    // when no CA *folder* is set, and Debian's libcurl sets /etc/ssl/certs by default. Without
    // the cache every HTTPS check parsed the whole trust store again: ~60 ms of CPU per check
    // against the system bundle. So: name the bundle file, clear the folder.
    const char* bundle = c.ca_file.empty() ? system_ca_bundle() : c.ca_file.c_str();
    if (bundle) {
      curl_easy_setopt(e, CURLOPT_CAINFO, bundle);
      curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
      curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 3600L);
    }
  }
  curl_easy_setopt(e, CURLOPT_IPRESOLVE, c.ip_resolve);
  curl_easy_setopt(e, CURLOPT_USERAGENT, c.user_agent.c_str());
  if (c.headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, c.headers.get());
  if (c.head) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else {
    if (c.has_body) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, c.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(c.body.size()));
    }
    if (c.method != "GET" && c.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, c.method.c_str());
  }
  // Credentials go to the configured host only: libcurl does not send them on a redirect to
  // another host (CURLOPT_UNRESTRICTED_AUTH stays off).
  if (!c.username.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERNAME, c.username.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, c.password.c_str());
  } else if (!c.bearer_token.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c.bearer_token.c_str());
  }
  if (c.http_version) curl_easy_setopt(e, CURLOPT_HTTP_VERSION, c.http_version);
  if (!c.reuse_connections) {
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  }
}

Report report_for(Transfer& t, CURLcode code) {
  CURL* e = t.easy;
  Report r;
  int64_t dns = info_us(e, CURLINFO_NAMELOOKUP_TIME_T);
  int64_t connect = info_us(e, CURLINFO_CONNECT_TIME_T);
  int64_t tls = info_us(e, CURLINFO_APPCONNECT_TIME_T);
  int64_t first = info_us(e, CURLINFO_STARTTRANSFER_TIME_T);
  int64_t total = info_us(e, CURLINFO_TOTAL_TIME_T);
  // Phases are durations, not curl's cumulative marks; -1 means the phase was not reached.
  r.dns_us = dns > 0 ? dns : (connect > 0 ? 0 : -1);
  r.connect_us = connect > 0 ? connect - dns : -1;
  int64_t ready = connect;
  if (t.target->https && tls > 0) {
    r.tls_us = tls - connect;
    ready = tls;
  }
  r.first_byte_us = first > 0 ? first - ready : -1;
  r.total_us = total;
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = static_cast<int32_t>(status);
  long redirects = 0;
  curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
  r.redirects = static_cast<int32_t>(redirects);
  char* ip = nullptr;
  if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip) {
    r.resolved_ip = ip;
    r.ip_family = r.resolved_ip.find(':') != std::string::npos ? 6 : 4;
  }
  char* effective = nullptr;
  if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) r.effective_url = effective;
  r.tls_days_left = t.tls_days_left;
  r.tls_earliest_expiry_us = t.tls_earliest_expiry_us;
  r.bytes_received = t.bytes;
  if (code == CURLE_OK) {
    if (t.target->status_expected(r.http_status)) {
      r.up();
    } else {
      r.down(WP_ERR_HTTP_STATUS, "HTTP " + std::to_string(r.http_status) + ", expected " + t.target->expected_text());
    }
    r.body = std::move(t.body);
    r.headers = std::move(t.headers);
  } else if (t.socket_errno != 0) {
    r.down(WP_ERR_PROBE, std::string("this process could not open a socket: ") + std::strerror(t.socket_errno));
  } else if (code == CURLE_OUT_OF_MEMORY && connect > 0) {
    // libcurl's answer to a response header line past its 100 KiB limit: the site's doing.
    r.down(WP_ERR_PROTOCOL, "response header too large (over libcurl's 100 KiB limit)");
  } else {
    bool resolved = dns > 0 || !r.resolved_ip.empty();
    std::string message = t.error[0] ? t.error : curl_easy_strerror(code);
    r.down(error_kind_for(code, resolved), message);
  }
  return r;
}

}  // namespace watchpost::http
