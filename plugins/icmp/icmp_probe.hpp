// The icmp probe: echo requests to a host, replies counted and timed (loss and round trip).
// One ICMP socket per address family is shared by every check of the probe, on the shared
// probe loop: a ping socket where the system allows them (net.ipv4.ping_group_range), else
// a raw socket (CAP_NET_RAW); without either, making a target fails and says how to allow it.
#pragma once

#include <watchpost/plugin.hpp>

#include <memory>

namespace watchpost::icmp {

struct IcmpTarget final : ProbeTarget {
  std::string host;
  int count = 3;
  uint32_t ping_interval_ms = 200;
  int min_replies = 1;
  std::string ip_family = "any";  // any | ipv4 | ipv6
};

class IcmpProbe final : public Probe {
 public:
  explicit IcmpProbe(const Host& host);
  ~IcmpProbe() override;

  static const std::vector<wp_option_spec>& options();
  static void validate(const Options& o);

  std::unique_ptr<ProbeTarget> make_target(const Options& o) override;
  void start(ProbeTarget& target, const Check& check, Completion done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "icmp://host", "host", "icmp://[::1]" → host; empty on success, else what is wrong.
std::string parse_icmp_url(const std::string& url, std::string& host);

}  // namespace watchpost::icmp
