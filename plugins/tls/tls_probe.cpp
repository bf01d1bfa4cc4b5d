#include "tls_probe.hpp"

#include "client_context.hpp"

#include <watchpost/redact.hpp>

#include <climits>

namespace watchpost::tls {

const std::vector<wp_option_spec>& TlsProbe::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "tls://HOST:PORT, HOST:PORT, or https://HOST[:PORT]/ (port 443)"),
      option("server_name", WP_OPT_STRING, nullptr, "SNI and the name the certificate must carry (default: the host)"),
      option("tls_verify", WP_OPT_BOOL, "true", "Verify the chain and the name"),
      option("ca_file", WP_OPT_STRING, nullptr, "PEM file of CAs to trust instead of the system's"),
      option("min_tls_version", WP_OPT_STRING, nullptr, "The oldest protocol accepted", "1.0|1.1|1.2|1.3"),
      option("min_days_left", WP_OPT_INT, "0", "Down when the certificate has fewer days left (0: once expired)"),
  };
  return specs;
}

std::string parse_tls_address(const std::string& url, std::string& host, std::string& port) {
  std::string rest = url;
  std::string default_port;
  if (rest.rfind("https://", 0) == 0) {
    rest = "tls://" + rest.substr(8);
    default_port = "443";
  } else if (rest.find("://") == std::string::npos) {
    rest = "tls://" + rest;
  } else if (rest.rfind("tls://", 0) != 0) {
    return "'" + redact_url(url) + "': use tls://HOST:PORT, HOST:PORT or https://HOST/";
  }
  if (!default_port.empty()) {
    // https://host/path with no port: the port is 443.
    std::string authority = rest.substr(6, rest.find('/', 6) == std::string::npos ? std::string::npos : rest.find('/', 6) - 6);
    if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
    bool has_port = authority.find(']') != std::string::npos ? authority.find("]:") != std::string::npos
                                                              : authority.find(':') != std::string::npos;
    if (!has_port) rest = "tls://" + authority + ":" + default_port;
  }
  bool tls = false;
  return tcp::parse_address(rest, host, port, tls);
}

void TlsProbe::validate(const Options& o) {
  std::string host, port;
  if (auto bad = parse_tls_address(o.string("url"), host, port); !bad.empty()) throw OptionError("url", bad);
  if (o.integer("min_days_left", 0) < 0 || o.integer("min_days_left", 0) > 3650)
    throw OptionError("min_days_left", "must be between 0 and 3650 days");
}

std::unique_ptr<ProbeTarget> TlsProbe::make_target(const Options& o) {
  validate(o);
  auto t = std::make_unique<TlsTarget>();
  tcp::TcpTarget& c = t->connection;
  parse_tls_address(o.string("url"), c.host, c.port);
  c.tls = true;
  c.tls_verify = o.boolean("tls_verify", true);
  c.ca_file = o.string("ca_file");
  c.server_name = o.string("server_name", c.host);
  c.min_tls_version = o.string("min_tls_version");
  try {
    c.tls_ctx = client_context({c.tls_verify, c.ca_file, c.min_tls_version});
  } catch (const std::exception& e) {
    throw OptionError("ca_file", e.what());
  }
  t->min_days_left = o.integer("min_days_left", 0);
  return t;
}

std::string certificate_policy(int32_t days_left, int64_t min_days_left) {
  if (days_left == INT32_MIN) return "the peer presented no certificate";
  if (days_left < 0) return "the certificate expired " + std::to_string(-days_left) + " days ago";
  if (days_left < min_days_left)
    return "the certificate expires in " + std::to_string(days_left) + " days; min_days_left is " +
           std::to_string(min_days_left);
  return {};
}

namespace {

// Stands between the tcp engine and the core: turns its report into the tls verdict.
struct Relay {
  Completion done;
  int64_t min_days_left;

  static void on_report(void* ctx, const wp_probe_report* raw) {
    std::unique_ptr<Relay> self(static_cast<Relay*>(ctx));
    Report r = copy_report(*raw);
    if (r.outcome == WP_OUTCOME_UP) {
      std::string why = certificate_policy(r.tls_days_left, self->min_days_left);
      if (!why.empty()) r.down(WP_ERR_TLS, why);
    }
    self->done(r);
  }
};

}  // namespace

void TlsProbe::start(ProbeTarget& target, const Check& check, Completion done) {
  auto& t = static_cast<TlsTarget&>(target);
  // The tcp engine reports exactly once (also when cancelled), and that report frees the relay.
  Completion inner(&Relay::on_report, new Relay{std::move(done), t.min_days_left}, check.check_id);
  tcp_.start(t.connection, check, std::move(inner));
}

}  // namespace watchpost::tls
