// A TCP connect probe: up when the port accepts a connection within the timeout.
//
// It shows what a probe must do: never block the caller (connects are non-blocking and
// watched by one worker thread with poll()), honour the timeout, and report every check
// exactly once — also the ones still open when the plugin is destroyed.
#include <watchpost/plugin.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

struct TcpTarget final : watchpost::ProbeTarget {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;
};

class TcpProbe final : public watchpost::Probe {
 public:
  explicit TcpProbe(const watchpost::Host& host) : host_(host) {
    if (pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error(std::strerror(errno));
    worker_ = std::thread([this] { run(); });
  }
  ~TcpProbe() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake();
    worker_.join();
    pending_.splice(pending_.end(), incoming_);
    for (auto& p : pending_) finish(p, false, WP_ERR_CANCELLED, "cancelled: shutting down");
    close(wake_[0]);
    close(wake_[1]);
  }

  static const std::vector<wp_option_spec>& options() {
    static const std::vector<wp_option_spec> specs = {
        watchpost::required_option("host", WP_OPT_STRING, "Host name or IP address to connect to"),
        watchpost::required_option("port", WP_OPT_INT, "TCP port"),
    };
    return specs;
  }
  static void validate(const watchpost::Options& o) {
    if (o.integer("port") < 1 || o.integer("port") > 65535) throw watchpost::OptionError("port", "must be 1-65535");
  }

  std::unique_ptr<watchpost::ProbeTarget> make_target(const watchpost::Options& o) override {
    auto t = std::make_unique<TcpTarget>();
    std::string host = o.string("host"), port = std::to_string(o.integer("port"));
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    // Resolved once, when the target is created: keeps the example short; a real probe
    // would resolve per check without blocking.
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
      throw watchpost::OptionError("host", "cannot resolve '" + host + "': " + gai_strerror(rc));
    std::memcpy(&t->address, res->ai_addr, res->ai_addrlen);
    t->length = res->ai_addrlen;
    freeaddrinfo(res);
    t->text = host + ":" + port;
    return t;
  }

  void start(watchpost::ProbeTarget& target, const watchpost::Check& check, watchpost::Completion done) override {
    auto& t = static_cast<TcpTarget&>(target);
    Pending p{-1, Clock::now(), Clock::now() + std::chrono::milliseconds(check.timeout_ms), std::move(done)};
    p.fd = socket(t.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p.fd < 0) return finish(p, false, WP_ERR_PROBE, std::string("socket: ") + std::strerror(errno));
    if (connect(p.fd, reinterpret_cast<sockaddr*>(&t.address), t.length) == 0) return finish(p, true, 0, "");
    if (errno != EINPROGRESS) return finish(p, false, WP_ERR_CONNECT, std::strerror(errno));
    {
      std::lock_guard<std::mutex> lock(mu_);
      incoming_.push_back(std::move(p));
    }
    wake();
  }

 private:
  struct Pending {
    int fd;
    Clock::time_point started, deadline;
    watchpost::Completion done;
  };

  void wake() { (void)!write(wake_[1], "x", 1); }

  static void finish(Pending& p, bool up, int32_t kind, const std::string& message) {
    watchpost::Report r;
    r.connect_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - p.started).count();
    r.total_us = r.connect_us;
    if (up) r.up();
    else r.down(kind, message);
    if (p.fd >= 0) close(p.fd);
    p.fd = -1;
    p.done(r);
  }

  void run() {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
        pending_.splice(pending_.end(), incoming_);
      }
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}};
      auto now = Clock::now();
      auto next = now + std::chrono::seconds(1);
      for (auto& p : pending_) {
        fds.push_back({p.fd, POLLOUT, 0});
        next = std::min(next, p.deadline);
      }
      int wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count());
      poll(fds.data(), fds.size(), std::max(wait_ms, 0));
      char drain[64];
      while (read(wake_[0], drain, sizeof drain) > 0) {
      }
      size_t i = 1;
      now = Clock::now();
      for (auto it = pending_.begin(); it != pending_.end(); ++i) {
        if (fds[i].revents) {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(it->fd, SOL_SOCKET, SO_ERROR, &err, &len);
          finish(*it, err == 0, WP_ERR_CONNECT, err ? std::strerror(err) : "");
        } else if (now >= it->deadline) {
          finish(*it, false, WP_ERR_TIMEOUT, "no answer to the connect within the timeout");
        } else {
          ++it;
          continue;
        }
        it = pending_.erase(it);
      }
    }
  }

  watchpost::Host host_;
  int wake_[2] = {-1, -1};
  std::mutex mu_;
  bool stopping_ = false;
  std::list<Pending> incoming_, pending_;
  std::thread worker_;
};

}  // namespace

WATCHPOST_PLUGIN("tcp_connect", "0.1.0", "TCP connect check (example of an out-of-tree plugin)", TcpProbe)
