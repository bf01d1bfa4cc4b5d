// The tcp probe: connect (and optionally TLS, send, expect) on one Asio event loop thread.
// Every check reports exactly once: done, failed, timed out, or cancelled when the probe is
// destroyed. Timings: dns, connect, tls, first_byte (the first answer byte), total.
#pragma once

#include "tcp_options.hpp"

#include <memory>

namespace watchpost::tcp {

class TcpProbe final : public Probe {
 public:
  explicit TcpProbe(const Host& host);
  ~TcpProbe() override;  // cancels checks in flight (reported as cancelled) and stops the loop

  static const std::vector<wp_option_spec>& options() { return tcp_options(); }
  static void validate(const Options& o) { validate_tcp(o); }

  std::unique_ptr<ProbeTarget> make_target(const Options& o) override { return make_tcp_target(o); }
  void start(ProbeTarget& target, const Check& check, Completion done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchpost::tcp
