#include "dns_probe.hpp"

#include "dns_message.hpp"
#include "probe_loop.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <random>

namespace watchpost::dns {

namespace asio = boost::asio;
using probe_loop::Clock;
using probe_loop::us_since;

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string judge(const DnsTarget& t, int rcode, const std::vector<std::string>& records, int32_t& kind) {
  std::string asked = t.name + " " + record_type_name(t.type);
  if (std::find(t.valid_rcodes.begin(), t.valid_rcodes.end(), rcode) == t.valid_rcodes.end()) {
    kind = WP_ERR_DNS;
    return std::string(rcode_name(rcode)) + " for " + asked;
  }
  if (rcode == 0 && records.empty() && t.fail_if_no_answer) {
    kind = WP_ERR_WRONG_ANSWER;
    return "no " + std::string(record_type_name(t.type)) + " record for " + t.name;
  }
  for (auto& want : t.expect) {
    // Names compare without case and with or without the final dot.
    auto same = [&](const std::string& got) {
      auto norm = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
      };
      return norm(got) == norm(want);
    };
    if (std::none_of(records.begin(), records.end(), same)) {
      kind = WP_ERR_WRONG_ANSWER;
      return "expected " + want + " among the answers to " + asked + "; got " + joined(records);
    }
  }
  kind = WP_ERR_NONE;
  return "";
}

// One check in flight.
struct Flight final : probe_loop::Flight {
  Flight(asio::io_context& io, const DnsTarget& t, uint32_t timeout_ms, Completion d)
      : probe_loop::Flight(std::move(d), timeout_ms), target(t), udp(io), tcp(io), timer(io) {}
  void close() override {
    boost::system::error_code ignored;
    timer.cancel();
    udp.close(ignored);
    tcp.close(ignored);
    report.bytes_received = answer.size();
  }
  DnsTarget target;  // a copy: the target may be removed (a reload) while the check runs
  asio::ip::udp::socket udp;
  asio::ip::tcp::socket tcp;
  asio::steady_timer timer;
  uint16_t id = 0;
  std::vector<unsigned char> query;
  std::vector<unsigned char> answer;
  std::array<unsigned char, 2> length{};
};

struct DnsProbe::Impl {
  std::mt19937 ids{std::random_device{}()};  // unpredictable ids: a blind spoofer must guess (loop thread only)
  probe_loop::Loop loop;                     // last: destroyed first, while the above still exist

  void fail(const std::shared_ptr<Flight>& f, int32_t kind, const std::string& message) { loop.fail(f, kind, message); }

  void begin(const std::shared_ptr<Flight>& f) {
    std::string error;
    f->id = static_cast<uint16_t>(ids());
    f->query = make_query(f->target.name, f->target.type, f->id, error);
    if (f->query.empty()) return fail(f, WP_ERR_PROBE, error);
    f->report.resolved_ip = f->target.server;
    f->report.ip_family = f->target.server.find(':') != std::string::npos ? 6 : 4;
    f->timer.expires_after(std::chrono::milliseconds(f->timeout_ms));
    f->timer.async_wait([this, f](const boost::system::error_code& ec) {
      if (ec) return;
      fail(f, WP_ERR_TIMEOUT, "no answer from " + f->target.server + ":" + std::to_string(f->target.port) + " within " +
                                  std::to_string(f->timeout_ms) + " ms");
    });
    if (f->target.tcp) return ask_tcp(f);
    ask_udp(f);
  }

  void ask_udp(const std::shared_ptr<Flight>& f) {
    asio::ip::udp::endpoint server(asio::ip::make_address(f->target.server), f->target.port);
    boost::system::error_code ec;
    f->udp.open(server.protocol(), ec);
    // Connected: the kernel drops datagrams from anyone but the server, and reports an ICMP
    // "port unreachable" as a refused receive.
    if (!ec) f->udp.connect(server, ec);
    if (ec) {
      bool ours = ec == boost::system::errc::too_many_files_open || ec == boost::system::errc::too_many_files_open_in_system;
      return fail(f, ours ? WP_ERR_PROBE : WP_ERR_CONNECT, "socket: " + ec.message());
    }
    f->udp.async_send(asio::buffer(f->query), [this, f](const boost::system::error_code& sec, size_t) {
      if (f->reported) return;
      if (sec) return fail(f, WP_ERR_CONNECT, "send to " + f->target.server + ": " + sec.message());
      receive_udp(f);
    });
  }

  void receive_udp(const std::shared_ptr<Flight>& f) {
    f->answer.resize(65535);
    f->udp.async_receive(asio::buffer(f->answer), [this, f](const boost::system::error_code& ec, size_t n) {
      if (f->reported) return;
      if (ec == asio::error::connection_refused)
        return fail(f, WP_ERR_CONNECT, f->target.server + ":" + std::to_string(f->target.port) +
                                           " refused the query (nothing listens there)");
      if (ec) return fail(f, WP_ERR_RECV, "receive: " + ec.message());
      f->answer.resize(n);
      Answer a = parse_answer(f->answer.data(), n, f->target.type);
      // Not ours (a late answer to an earlier query, or a spoofing attempt): keep listening.
      if (a.error.empty() && a.id != f->id) return receive_udp(f);
      if (a.error.empty() && a.truncated) {
        boost::system::error_code ignored;
        f->udp.close(ignored);
        return ask_tcp(f);
      }
      conclude(f, a);
    });
  }

  void ask_tcp(const std::shared_ptr<Flight>& f) {
    asio::ip::tcp::endpoint server(asio::ip::make_address(f->target.server), f->target.port);
    auto connect_started = Clock::now();
    f->tcp.async_connect(server, [this, f, connect_started](const boost::system::error_code& ec) {
      if (f->reported) return;
      if (ec) return fail(f, WP_ERR_CONNECT, "connect to " + f->target.server + " (tcp): " + ec.message());
      f->report.connect_us = us_since(connect_started);
      // Over TCP a message is preceded by its length (RFC 1035 4.2.2).
      auto framed = std::make_shared<std::vector<unsigned char>>();
      framed->push_back(static_cast<unsigned char>(f->query.size() >> 8));
      framed->push_back(static_cast<unsigned char>(f->query.size() & 0xff));
      framed->insert(framed->end(), f->query.begin(), f->query.end());
      asio::async_write(f->tcp, asio::buffer(*framed), [this, f, framed](const boost::system::error_code& wec, size_t) {
        if (f->reported) return;
        if (wec) return fail(f, WP_ERR_RECV, "send (tcp): " + wec.message());
        asio::async_read(f->tcp, asio::buffer(f->length), [this, f](const boost::system::error_code& lec, size_t) {
          if (f->reported) return;
          if (lec) return fail(f, WP_ERR_RECV, "the server closed before answering (tcp): " + lec.message());
          f->answer.resize(static_cast<size_t>(f->length[0]) << 8 | f->length[1]);
          asio::async_read(f->tcp, asio::buffer(f->answer), [this, f](const boost::system::error_code& rec, size_t) {
            if (f->reported) return;
            if (rec) return fail(f, WP_ERR_RECV, "the answer was cut short (tcp): " + rec.message());
            Answer a = parse_answer(f->answer.data(), f->answer.size(), f->target.type);
            if (a.error.empty() && a.id != f->id) return fail(f, WP_ERR_PROTOCOL, "the answer is for another query");
            conclude(f, a);
          });
        });
      });
    });
  }

  void conclude(const std::shared_ptr<Flight>& f, const Answer& a) {
    f->report.dns_us = us_since(f->started);
    if (!a.error.empty()) return fail(f, WP_ERR_PROTOCOL, a.error);
    // The records, one a line, for evaluators (a regex on the answer) and for people.
    for (auto& r : a.records) f->report.body += std::string(record_type_name(f->target.type)) + " " + r + "\n";
    int32_t kind = WP_ERR_NONE;
    std::string why = judge(f->target, a.rcode, a.records, kind);
    if (why.empty()) loop.up(f);
    else fail(f, kind, why);
  }
};

DnsProbe::DnsProbe(const Host&) : impl_(std::make_unique<Impl>()) {}
DnsProbe::~DnsProbe() = default;

void DnsProbe::start(ProbeTarget& target, const Check& check, Completion done) {
  auto f = std::make_shared<Flight>(impl_->loop.io(), static_cast<DnsTarget&>(target), check.timeout_ms, std::move(done));
  impl_->loop.start(f, [impl = impl_.get(), f] { impl->begin(f); });
}

}  // namespace watchpost::dns
