// The slow website of the slow-targets benchmark: every answer takes a fixed delay, as a real
// site behind 200 ms of network does. One thread (Asio); each connection reads one request,
// waits, answers `200 ok watchpost bench` and closes.
//
//   slow_http_server PORT DELAY_MS
#include <boost/asio.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr char kAnswer[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\nok watchpost bench\n";

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(tcp::socket socket, std::chrono::milliseconds delay)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), delay_(delay) {}
  void start() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, asio::dynamic_buffer(request_), "\r\n\r\n",
                           [self](boost::system::error_code ec, size_t) {
                             if (ec) return;
                             self->timer_.expires_after(self->delay_);
                             self->timer_.async_wait([self](boost::system::error_code) { self->answer(); });
                           });
  }

 private:
  void answer() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(kAnswer, sizeof kAnswer - 1), [self](boost::system::error_code, size_t) {
      boost::system::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::chrono::milliseconds delay_;
  std::string request_;
};

void accept(tcp::acceptor& acceptor, std::chrono::milliseconds delay) {
  acceptor.async_accept([&acceptor, delay](boost::system::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Exchange>(std::move(socket), delay)->start();
    accept(acceptor, delay);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT DELAY_MS\n", argv[0]);
    return 2;
  }
  asio::io_context io(1);
  tcp::acceptor acceptor(io);
  tcp::endpoint at(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::atoi(argv[1])));
  acceptor.open(at.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(at);
  acceptor.listen(65535);
  accept(acceptor, std::chrono::milliseconds(std::atoi(argv[2])));
  io.run();
}
