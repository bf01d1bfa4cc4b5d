#include "probe_endpoint.hpp"

#include "blackbox_format.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>

namespace watchpost::blackbox {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') out += ' ';
    else if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else out += in[i];
  }
  return out;
}

std::string quoted_names(const std::map<std::string, ProbeEndpoint::Module>& modules) {
  std::string out;
  for (auto& [name, m] : modules) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
  }
  return {};
}

void ProbeEndpoint::handle(std::string_view query, std::string_view scrape_timeout, AdminServer::Reply reply) {
  if (modules_.empty())
    return reply(404, "no probe_modules are configured: add them to the file to serve /probe (docs/probe-endpoint.md)\n");
  std::string module_name = query_param(query, "module");
  if (module_name.empty()) module_name = "http_2xx";  // blackbox_exporter's default
  auto it = modules_.find(module_name);
  if (it == modules_.end())
    return reply(400, "Unknown module \"" + module_name + "\" (configured: " + quoted_names(modules_) + ")\n");
  std::string target = query_param(query, "target");
  if (target.empty()) return reply(400, "Target parameter is missing\n");
  const Module& module = it->second;
  const std::string& plugin = module.config.probe->plugin;
  Prober prober = plugin == "http" ? Prober::http : plugin == "tcp" ? Prober::tcp : Prober::other;
  // As the blackbox exporter does: a bare host:port is http:// for http, tcp:// for tcp.
  if (target.find("://") == std::string::npos && prober != Prober::other)
    target = (prober == Prober::http ? "http://" : "tcp://") + target;

  std::vector<std::pair<std::string, std::string>> fields = {{"url", target}, {"id", "probe"}};
  // Prometheus says how long it will wait; answer within it (half a second kept for the trip).
  if (!scrape_timeout.empty()) {
    char* end = nullptr;
    std::string text(scrape_timeout);
    double s = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && std::isfinite(s) && s > 0) {
      int64_t ms = std::max<int64_t>(100, static_cast<int64_t>((s - 0.5) * 1000));
      const OptionValue* configured = find_option(module.config.probe->options, "timeout");
      if (!configured || configured->integer > ms) fields.emplace_back("timeout", std::to_string(ms) + "ms");
    }
  }
  auto started = std::chrono::steady_clock::now();
  auto failed = [&](const std::string& why) {
    metrics().add("watchpost_probe_endpoint_requests_total{outcome=\"invalid\"}");
    log::debug("probe", "module " + module_name + ": " + why);
    Result r;
    r.outcome = WP_OUTCOME_DOWN;
    r.error_kind = WP_ERR_PROBE;
    r.error_message = why;
    reply(200, render(r, prober, 0));
  };
  TargetConfig tc;
  try {
    tc = runtime_target(module.config, fields, catalog_, "target");
  } catch (const ConfigError& e) {
    std::string why;
    for (auto& issue : e.issues()) why += (why.empty() ? "" : "; ") + issue.message;
    return failed("invalid target: " + why);
  }
  try {
    module.pipeline->check_now(tc, [reply, prober, started](const ResultPtr& r) {
      double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics().add(r->outcome == WP_OUTCOME_UP ? "watchpost_probe_endpoint_requests_total{outcome=\"up\"}"
                                                 : "watchpost_probe_endpoint_requests_total{outcome=\"down\"}");
      reply(200, render(*r, prober, took));
    });
  } catch (const std::exception& e) {
    failed(e.what());
  }
}

}  // namespace watchpost::blackbox
