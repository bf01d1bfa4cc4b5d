#include "blackbox_format.hpp"

#include "observe/prometheus_text.hpp"

#include <arpa/inet.h>

#include <climits>
#include <cmath>
#include <cstdio>

namespace watchpost::blackbox {

namespace {

// Help texts as blackbox_exporter 0.23 writes them: some tools show them.
void gauge(std::string& out, const char* name, const char* help, double value) {
  char buf[64];
  // Whole numbers (hashes, Unix times, sizes) in full: "%g" would round 3668918509 away.
  if (value == std::floor(value) && std::fabs(value) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", value);
  else std::snprintf(buf, sizeof buf, "%.9g", value);
  family_header(out, name, help);
  out += name;
  out += ' ';
  out += buf;
  out += '\n';
}

double seconds(int64_t us) { return us > 0 ? us / 1e6 : 0.0; }

}  // namespace

uint32_t ip_hash(const std::string& ip) {
  // Over the address's bytes (4 for IPv4, 16 for IPv6), as Go's net.IP holds them.
  unsigned char bytes[16];
  size_t n = 0;
  if (inet_pton(AF_INET, ip.c_str(), bytes) == 1) n = 4;
  else if (inet_pton(AF_INET6, ip.c_str(), bytes) == 1) n = 16;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= bytes[i];
    h *= 16777619u;
  }
  return h;
}

std::string render(const Result& r, Prober prober, double duration_s) {
  std::string out;
  out.reserve(2048);
  bool success = r.outcome == WP_OUTCOME_UP;
  bool regex_failed = r.error_kind == WP_ERR_BODY_MISMATCH;
  gauge(out, "probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds",
        seconds(r.dns_us));
  gauge(out, "probe_duration_seconds", "Returns how long the probe took to complete in seconds", duration_s);
  if (prober == Prober::http) {
    gauge(out, "probe_failed_due_to_regex", "Indicates if probe failed due to regex", regex_failed ? 1 : 0);
    family_header(out, "probe_http_duration_seconds", "Duration of http request by phase, summed over all redirects");
    // watchpost measures each phase on its own; blackbox's "processing" is the wait for the
    // first byte and "transfer" the rest of the body.
    int64_t known = std::max<int64_t>(0, r.dns_us) + std::max<int64_t>(0, r.connect_us) +
                    std::max<int64_t>(0, r.tls_us) + std::max<int64_t>(0, r.first_byte_us);
    int64_t transfer = r.first_byte_us >= 0 && r.total_us > known ? r.total_us - known : 0;
    const std::pair<const char*, int64_t> phases[] = {{"connect", r.connect_us},
                                                      {"processing", r.first_byte_us},
                                                      {"resolve", r.dns_us},
                                                      {"tls", r.tls_us},
                                                      {"transfer", transfer}};
    for (auto& [phase, us] : phases) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "probe_http_duration_seconds{phase=\"%s\"} %.9g\n", phase, seconds(us));
      out += buf;
    }
    gauge(out, "probe_http_redirects", "The number of redirects", r.redirects > 0 ? r.redirects : 0);
    bool tls = r.tls_us >= 0 || r.tls_days_left != INT32_MIN;
    gauge(out, "probe_http_ssl", "Indicates if SSL was used for the final redirect", tls && r.http_status > 0 ? 1 : 0);
    gauge(out, "probe_http_status_code", "Response HTTP status code", r.http_status);
    gauge(out, "probe_http_uncompressed_body_length", "Length of uncompressed response body",
          static_cast<double>(r.bytes_received));
  }
  if (!r.resolved_ip.empty()) {
    gauge(out, "probe_ip_addr_hash",
          "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
          ip_hash(r.resolved_ip));
    gauge(out, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
          r.ip_family == 6 ? 6 : 4);
  }
  if (r.tls_earliest_expiry_us != 0)
    gauge(out, "probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime",
          static_cast<double>(r.tls_earliest_expiry_us / 1000000));
  gauge(out, "probe_success", "Displays whether or not the probe was a success", success ? 1 : 0);
  // Not a metric: Prometheus skips comment lines, people reading the page see why.
  if (!success && !r.error_message.empty()) {
    std::string why = r.error_message.substr(0, 300);
    for (char& c : why)
      if (c == '\n' || c == '\r') c = ' ';
    out += "# watchpost: " + std::string(error_kind_name(r.error_kind)) + ": " + why + "\n";
  }
  return out;
}

}  // namespace watchpost::blackbox
