#include "icmp_probe.hpp"

#include "icmp_packet.hpp"
#include "probe_loop.hpp"

#include <watchpost/redact.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <unordered_map>

namespace watchpost::icmp {

namespace asio = boost::asio;
using probe_loop::Clock;
using probe_loop::us_since;

const std::vector<wp_option_spec>& IcmpProbe::options() {
  static const std::vector<wp_option_spec> specs = {
      required_option("url", WP_OPT_STRING, "icmp://HOST or HOST (a name or an address)"),
      option("count", WP_OPT_INT, "3", "Echo requests per check (1-100)"),
      option("ping_interval", WP_OPT_DURATION, "200ms", "Pause between the requests of one check"),
      option("min_replies", WP_OPT_INT, "1", "Replies needed for the check to be up"),
      option("ip_family", WP_OPT_STRING, "any", "Address family to ping", "any|ipv4|ipv6"),
  };
  return specs;
}

std::string parse_icmp_url(const std::string& url, std::string& host) {
  std::string rest = url;
  if (rest.rfind("icmp://", 0) == 0) rest = rest.substr(7);
  else if (rest.find("://") != std::string::npos) return "'" + redact_url(url) + "' is not icmp://HOST";
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  if (rest.empty()) return "'" + url + "' has no host";
  if (rest.find_first_of(" \t@") != std::string::npos) return "'" + redact_url(url) + "' is not a host name or address";
  host = rest;
  return "";
}

void IcmpProbe::validate(const Options& o) {
  std::string host;
  if (auto bad = parse_icmp_url(o.string("url"), host); !bad.empty()) throw OptionError("url", bad);
  int64_t count = o.integer("count", 3);
  if (count < 1 || count > 100) throw OptionError("count", "must be between 1 and 100");
  if (o.integer("min_replies", 1) < 1 || o.integer("min_replies", 1) > count)
    throw OptionError("min_replies", "must be between 1 and count (" + std::to_string(count) + ")");
  if (o.integer("ping_interval", 200) < 10) throw OptionError("ping_interval", "must be at least 10ms");
}

namespace {

// One ICMP socket of a family, shared by every check.
struct Socket {
  int fd = -1;
  bool raw = false;  // a raw socket sees every ICMP message and (IPv4) the IP header
  std::unique_ptr<asio::posix::stream_descriptor> watch;
};

struct Flight final : probe_loop::Flight {
  Flight(asio::io_context& io, const IcmpTarget& t, uint32_t timeout_ms, Completion d)
      : probe_loop::Flight(std::move(d), timeout_ms), target(t), resolver(io), timer(io), pacer(io) {}
  void close() override {
    timer.cancel();
    pacer.cancel();
    resolver.cancel();
  }
  IcmpTarget target;
  asio::ip::tcp::resolver resolver;  // only its name resolution is used
  asio::steady_timer timer, pacer;
  asio::ip::address address;
  int sent = 0;
  std::vector<int64_t> rtts_us;
  std::vector<uint16_t> seqs;  // of this check's requests, to forget when it ends
};

}  // namespace

struct IcmpProbe::Impl {
  struct Pending {
    std::weak_ptr<Flight> flight;
    Clock::time_point sent;
  };
  std::mutex open_mu;  // sockets are opened by make_target (core thread) before checks use them
  Socket v4, v6;
  std::string v6_error;
  uint16_t ident;
  uint16_t next_seq;
  std::unordered_map<uint32_t, Pending> pending;  // (v6 << 16 | seq) → request; loop thread
  bool closing = false;
  std::array<unsigned char, 2048> buf{};
  probe_loop::Loop loop;  // last: destroyed first, while the above still exist

  Impl() {
    std::random_device rd;
    ident = static_cast<uint16_t>(rd());
    next_seq = static_cast<uint16_t>(rd());
    // On the loop thread as it shuts down: the sockets go while their io_context still exists.
    loop.on_shutdown([this] {
      closing = true;
      for (Socket* s : {&v4, &v6}) s->watch.reset();  // closes the descriptor; its wait is aborted
    });
  }
  ~Impl() = default;

  // Opens the family's socket once; empty on success, else how to make it possible.
  std::string open(bool is_v6) {
    std::lock_guard<std::mutex> lock(open_mu);
    Socket& s = is_v6 ? v6 : v4;
    if (s.fd >= 0) return "";
    int domain = is_v6 ? AF_INET6 : AF_INET, proto = is_v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    int fd = ::socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    int dgram_errno = errno;
    bool raw = false;
    if (fd < 0) {
      fd = ::socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
      raw = true;
    }
    if (fd < 0)
      return std::string("cannot open an ICMP") + (is_v6 ? "v6" : "") + " socket (ping socket: " + std::strerror(dgram_errno) +
             "; raw socket: " + std::strerror(errno) +
             "). Allow ping sockets for watchpost's group (sysctl net.ipv4.ping_group_range=\"0 2147483647\") or "
             "give the binary CAP_NET_RAW (setcap cap_net_raw+ep)";
    s.fd = fd;
    s.raw = raw;
    s.watch = std::make_unique<asio::posix::stream_descriptor>(loop.io(), fd);
    asio::post(loop.io(), [this, is_v6] { receive(is_v6); });
    return "";
  }

  void receive(bool is_v6) {
    Socket& s = is_v6 ? v6 : v4;
    if (closing || !s.watch) return;
    s.watch->async_wait(asio::posix::stream_descriptor::wait_read, [this, is_v6](const boost::system::error_code& ec) {
      if (ec || closing) return;
      Socket& sock = is_v6 ? v6 : v4;
      if (!sock.watch) return;
      for (;;) {
        ssize_t n = ::recv(sock.fd, buf.data(), buf.size(), 0);
        if (n < 0) break;  // EAGAIN: drained
        EchoReply r = read_echo_reply(buf.data(), static_cast<size_t>(n), is_v6, sock.raw && !is_v6);
        // A ping socket's kernel puts its own id in; a raw socket sees everyone's replies.
        if (!r.ok || (sock.raw && r.ident != ident)) continue;
        on_reply(is_v6, r.seq);
      }
      receive(is_v6);
    });
  }

  void on_reply(bool is_v6, uint16_t seq) {
    auto it = pending.find(static_cast<uint32_t>(is_v6) << 16 | seq);
    if (it == pending.end()) return;  // late, duplicate, or someone else's
    auto f = it->second.flight.lock();
    int64_t rtt = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - it->second.sent).count();
    pending.erase(it);
    if (!f || f->reported) return;
    f->rtts_us.push_back(rtt);
    if (static_cast<int>(f->rtts_us.size()) == f->target.count) conclude(f);
  }

  void begin(const std::shared_ptr<Flight>& f) {
    f->timer.expires_after(std::chrono::milliseconds(f->timeout_ms));
    f->timer.async_wait([this, f](const boost::system::error_code& ec) {
      if (!ec) conclude(f);  // the deadline ends the check with the replies it has
    });
    f->resolver.async_resolve(f->target.host, "", [this, f](const boost::system::error_code& ec,
                                                            asio::ip::tcp::resolver::results_type results) {
      if (f->reported) return;
      if (ec) return loop.fail(f, WP_ERR_DNS, "cannot resolve " + f->target.host + ": " + ec.message());
      f->report.dns_us = us_since(f->started);
      const std::string& family = f->target.ip_family;
      bool found = false;
      // "any" takes IPv4 first: it works on more networks than IPv6 does.
      for (int pass = 0; pass < 2 && !found; ++pass)
        for (auto& e : results) {
          auto a = e.endpoint().address();
          bool want = family == "ipv4" ? a.is_v4() : family == "ipv6" ? a.is_v6() : (pass == 0 ? a.is_v4() : a.is_v6());
          if (want) {
            f->address = a;
            found = true;
            break;
          }
        }
      if (!found) return loop.fail(f, WP_ERR_DNS, f->target.host + " has no " + family + " address");
      f->report.resolved_ip = f->address.to_string();
      f->report.ip_family = f->address.is_v6() ? 6 : 4;
      if (f->address.is_v6() && v6.fd < 0) {
        std::string why = open(true);
        if (!why.empty()) return loop.fail(f, WP_ERR_PROBE, why);
      }
      send_next(f);
    });
  }

  void send_next(const std::shared_ptr<Flight>& f) {
    if (f->reported) return;
    bool is_v6 = f->address.is_v6();
    Socket& s = is_v6 ? v6 : v4;
    uint16_t seq = next_seq++;
    auto packet = echo_request(is_v6, ident, seq);
    sockaddr_storage to{};
    socklen_t to_len;
    if (is_v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&to);
      a->sin6_family = AF_INET6;
      auto bytes = f->address.to_v6().to_bytes();
      std::memcpy(&a->sin6_addr, bytes.data(), bytes.size());
      a->sin6_scope_id = f->address.to_v6().scope_id();
      to_len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&to);
      a->sin_family = AF_INET;
      auto bytes = f->address.to_v4().to_bytes();
      std::memcpy(&a->sin_addr, bytes.data(), bytes.size());
      to_len = sizeof *a;
    }
    pending[static_cast<uint32_t>(is_v6) << 16 | seq] = Pending{f, Clock::now()};
    f->seqs.push_back(seq);
    ++f->sent;
    if (::sendto(s.fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), to_len) < 0) {
      int e = errno;
      bool ours = e == ENOBUFS || e == ENOMEM || e == EAGAIN;
      pending.erase(static_cast<uint32_t>(is_v6) << 16 | seq);
      return loop.fail(f, ours ? WP_ERR_PROBE : WP_ERR_CONNECT,
                       "cannot send an echo request to " + f->report.resolved_ip + ": " + std::strerror(e));
    }
    if (f->sent < f->target.count) {
      f->pacer.expires_after(std::chrono::milliseconds(f->target.ping_interval_ms));
      f->pacer.async_wait([this, f](const boost::system::error_code& ec) {
        if (!ec) send_next(f);
      });
    }
  }

  void conclude(const std::shared_ptr<Flight>& f) {
    if (f->reported) return;
    bool is_v6 = f->address.is_v6();
    for (uint16_t seq : f->seqs) pending.erase(static_cast<uint32_t>(is_v6) << 16 | seq);
    int replies = static_cast<int>(f->rtts_us.size());
    int64_t sum = 0, lo = 0, hi = 0;
    for (int64_t r : f->rtts_us) sum += r;
    if (replies > 0) {
      lo = *std::min_element(f->rtts_us.begin(), f->rtts_us.end());
      hi = *std::max_element(f->rtts_us.begin(), f->rtts_us.end());
      f->report.first_byte_us = sum / replies;  // the average round trip: what "response time" means for a ping
    }
    int lost_percent = f->sent > 0 ? (f->sent - replies) * 100 / f->sent : 100;
    char line[160];
    std::snprintf(line, sizeof line, "sent %d received %d loss %d%% rtt min/avg/max %.3f/%.3f/%.3f ms\n", f->sent,
                  replies, lost_percent, lo / 1000.0, replies ? sum / 1000.0 / replies : 0.0, hi / 1000.0);
    f->report.body = line;
    if (replies >= f->target.min_replies) return loop.up(f);
    if (f->address.is_unspecified()) return loop.fail(f, WP_ERR_DNS, "no address for " + f->target.host + " within " +
                                                                          std::to_string(f->timeout_ms) + " ms");
    loop.fail(f, WP_ERR_TIMEOUT,
              replies == 0 ? "no echo reply from " + f->report.resolved_ip + " (" + std::to_string(f->sent) + " sent within " +
                                 std::to_string(f->timeout_ms) + " ms)"
                           : std::to_string(replies) + " of " + std::to_string(f->sent) + " echo replies from " +
                                 f->report.resolved_ip + "; min_replies is " + std::to_string(f->target.min_replies));
  }
};

IcmpProbe::IcmpProbe(const Host&) : impl_(std::make_unique<Impl>()) {}

IcmpProbe::~IcmpProbe() = default;

std::unique_ptr<ProbeTarget> IcmpProbe::make_target(const Options& o) {
  validate(o);
  auto t = std::make_unique<IcmpTarget>();
  parse_icmp_url(o.string("url"), t->host);
  t->count = static_cast<int>(o.integer("count", 3));
  t->ping_interval_ms = static_cast<uint32_t>(o.integer("ping_interval", 200));
  t->min_replies = static_cast<int>(o.integer("min_replies", 1));
  t->ip_family = o.string("ip_family", "any");
  // IPv4 is opened now, so a process without the privilege hears it at start, not at each check.
  if (t->ip_family != "ipv6")
    if (auto why = impl_->open(false); !why.empty()) throw OptionError("url", why);
  return t;
}

void IcmpProbe::start(ProbeTarget& target, const Check& check, Completion done) {
  auto f = std::make_shared<Flight>(impl_->loop.io(), static_cast<IcmpTarget&>(target), check.timeout_ms, std::move(done));
  impl_->loop.start(f, [impl = impl_.get(), f] { impl->begin(f); });
}

}  // namespace watchpost::icmp
