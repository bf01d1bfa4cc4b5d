// The tls probe: a TLS handshake with a port that is not (necessarily) HTTP — SMTPS, IMAPS,
// LDAPS, a database, a gRPC endpoint — judged as a certificate: the chain verifies, the name
// matches, the protocol is new enough, and the certificate has enough days left.
// The connection and handshake are the tcp probe's (one engine for both); this adds the
// certificate policy on its report.
#pragma once

#include "tcp_options.hpp"
#include "tcp_probe.hpp"

#include <watchpost/plugin.hpp>

namespace watchpost::tls {

struct TlsTarget final : ProbeTarget {
  tcp::TcpTarget connection;  // tls = true
  int64_t min_days_left = 0;  // down when fewer days are left (0: down once expired)
};

class TlsProbe final : public Probe {
 public:
  explicit TlsProbe(const Host& host) : tcp_(host) {}

  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& o);

  std::unique_ptr<ProbeTarget> make_target(const Options& o) override;
  void start(ProbeTarget& target, const Check& check, Completion done) override;

 private:
  tcp::TcpProbe tcp_;
};

// "tls://h:p", "h:p" and "https://h[:p]/..." (port 443) → host and port; empty or the problem.
std::string parse_tls_address(const std::string& url, std::string& host, std::string& port);

// What the policy says of a report that was up: empty when it passes, else why it fails.
std::string certificate_policy(int32_t days_left, int64_t min_days_left);

}  // namespace watchpost::tls
