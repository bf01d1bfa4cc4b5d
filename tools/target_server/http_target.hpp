// An HTTP(S) server on 127.0.0.1 whose answers are chosen by the path, so tests can produce
// every situation a monitored site can be in:
//   /                 200 "ok watchpost target"
//   /status/N         status N
//   /delay/MS         answer after MS milliseconds
//   /redirect/N       302 to /redirect/N-1; /redirect/0 answers 200
//   /body/N           N bytes (Content-Length)
//   /chunked/N        N bytes, chunked transfer encoding
//   /drip/N/MS        N bytes, one every MS milliseconds
//   /reset            promises 100000 bytes, sends 1000, then resets the connection
//   /hugeheader/N     one response header line of N bytes
//   /close            closes the connection without answering
//   /text/WORD        200 "hello WORD world"
//   /fail-for/A,B     503 when the User-Agent contains A or B, else 200 (a site that fails
//                     only as seen from some regions: each region's checkers send their own)
//   /script/SEQ       the Nth request to this path answers SEQ's Nth letter: U 200, D 503;
//                     past its end, the last letter (a site that goes down and up on cue)
//   /switch           the status set by set_switch() (default 200)
//   /hook             a receiver: records each request's body (received()), answers
//                     set_hook_status()'s status (default 200)
//   /json             200 application/json {"status": "UP", "items": [1, 2, 3], "db": {...}}
//   /echo             records the whole request (echoed()) and answers 200 with it as text:
//                     the method line, each header as "name: value", a blank line, the body
// A thread per connection: simple and plenty for tests; the benchmarks use nginx.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace watchpost::target {

class HttpTarget {
 public:
  struct Options {
    bool tls = false;
    uint16_t port = 0;  // 0: any free port
    int valid_days = 30;  // of the self-signed certificate; negative: expired that many days ago
    std::function<void(const std::string&)> on_hook;  // each body /hook takes, as it comes
  };
  explicit HttpTarget(Options options);
  HttpTarget() : HttpTarget(Options{}) {}
  ~HttpTarget();

  uint16_t port() const;
  std::string url(const std::string& path = "/") const;
  // PEM of the self-signed certificate (TLS only): the ca_file that makes verification pass.
  const std::string& certificate_pem() const;
  uint64_t requests() const;
  // Requests to one path so far.
  uint64_t requests_to(const std::string& path) const;
  void set_switch(unsigned status);
  void set_hook_status(unsigned status);
  // Bodies /hook took (with a 2xx answer), oldest first.
  std::vector<std::string> received() const;
  struct Request {
    std::string method;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
    std::string body;
    std::string header(const std::string& lower_name) const {
      for (auto& [n, v] : headers)
        if (n == lower_name) return v;
      return {};
    }
  };
  // Requests /echo took, oldest first.
  std::vector<Request> echoed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchpost::target
