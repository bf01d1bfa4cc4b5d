// The dns probe: one query to one server on one Asio event loop thread, over UDP (asked
// again over TCP when the answer is truncated) or TCP. Every check reports exactly once:
// answered, failed, timed out, or cancelled when the probe is destroyed.
// Timings: dns (the query's round trip), connect (TCP only), total.
#pragma once

#include "dns_options.hpp"

#include <memory>

namespace watchpost::dns {

class DnsProbe final : public Probe {
 public:
  explicit DnsProbe(const Host& host);
  ~DnsProbe() override;

  static const std::vector<wp_option_spec>& options() { return dns_options(); }
  static void validate(const Options& o) { validate_dns(o); }

  std::unique_ptr<ProbeTarget> make_target(const Options& o) override { return make_dns_target(o); }
  void start(ProbeTarget& target, const Check& check, Completion done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The verdict on an answer: empty when it satisfies the target, else why not (and `kind`).
std::string judge(const DnsTarget& t, int rcode, const std::vector<std::string>& records, int32_t& kind);

}  // namespace watchpost::dns
