// tcp_connect: a TCP port accepts a connection. A whole probe plugin: the check is plain
// blocking code that the core runs on its worker pool (watchpost/blocking_probe.hpp).
#include <watchpost/blocking_probe.hpp>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

using namespace watchpost;

struct Port : ProbeTarget {
  std::string host, port;
};

class TcpConnect final : public BlockingProbe {
 public:
  using BlockingProbe::BlockingProbe;
  static const std::vector<wp_option_spec>& options() {
    static const std::vector<wp_option_spec> specs = {required_option("host", WP_OPT_STRING, "Name or address"),
                                                      required_option("port", WP_OPT_INT, "TCP port")};
    return specs;
  }
  std::unique_ptr<ProbeTarget> make_target(const Options& o) override {
    auto t = std::make_unique<Port>();
    t->host = o.string("host");
    t->port = std::to_string(o.integer("port"));
    return t;
  }
  Report check(ProbeTarget& target, const Check& check) override {
    auto& t = static_cast<Port&>(target);
    Report r;
    addrinfo hints{}, *ai = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (int e = getaddrinfo(t.host.c_str(), t.port.c_str(), &hints, &ai)) return r.down(WP_ERR_DNS, gai_strerror(e));
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    connect(fd, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (poll(&p, 1, static_cast<int>(check.timeout_ms)) == 0) r.down(WP_ERR_TIMEOUT, "no connection in time");
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) r.down(WP_ERR_CONNECT, strerror(err));
    else r.up();
    close(fd);
    return r;
  }
};

WATCHPOST_PLUGIN("tcp_connect", "0.1.0", "A TCP port accepts a connection", TcpConnect)
