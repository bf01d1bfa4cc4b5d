#include "curl_engine.hpp"

#include "curl_errors.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <climits>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace watchpost::http {

namespace asio = boost::asio;

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One check in flight.
struct Transfer {
  CURL* easy = nullptr;
  std::shared_ptr<const TargetConfig> target;
  Completion done;
  std::string body;
  uint64_t bytes = 0;
  int32_t tls_days_left = INT32_MIN;
  bool tls_looked = false;
  char error[CURL_ERROR_SIZE] = {};

  Transfer(std::shared_ptr<const TargetConfig> t, Completion d) : target(std::move(t)), done(std::move(d)) {}
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
  }
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  t->bytes += len;
  if (t->body.size() < t->target->max_body)
    t->body.append(data, std::min(len, t->target->max_body - t->body.size()));
  return len;  // the rest is read and counted, not kept
}

// The first response header is the earliest point where the TLS session is there to ask.
size_t on_header(char*, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->tls_looked) {
    t->tls_looked = true;
    curl_tlssessioninfo* info = nullptr;
    if (curl_easy_getinfo(t->easy, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info &&
        info->backend == CURLSSLBACKEND_OPENSSL && info->internals) {
      if (X509* cert = SSL_get1_peer_certificate(static_cast<SSL*>(info->internals))) {
        int days = 0, secs = 0;
        if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert))) t->tls_days_left = days;
        X509_free(cert);
      }
    }
  }
  return size * n;
}

int64_t info_us(CURL* e, CURLINFO what) {
  curl_off_t v = 0;
  return curl_easy_getinfo(e, what, &v) == CURLE_OK ? static_cast<int64_t>(v) : 0;
}

}  // namespace

struct CurlEngine::Impl {
  struct Socket {
    explicit Socket(asio::io_context& io, curl_socket_t fd) : sd(io, fd), fd(fd) {}
    asio::posix::stream_descriptor sd;
    curl_socket_t fd;
    int what = 0;
    bool reading = false, writing = false, removed = false;
  };

  Host host;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer timer{io};
  CURLM* multi = nullptr;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::unordered_set<Transfer*> active;
  std::atomic<bool> closing{false};
  std::thread thread;

  explicit Impl(Host h) : host(h) {
    global_init();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::socket_cb);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::timer_cb);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    thread = std::thread([this] { io.run(); });
  }

  ~Impl() {
    closing = true;
    asio::post(io, [this] { cancel_all(); });
    thread.join();
    // Handlers queued after the loop went idle (a start racing with shutdown) still report.
    io.restart();
    io.poll();
    curl_multi_cleanup(multi);
  }

  void cancel_all() {
    for (Transfer* t : active) {
      curl_multi_remove_handle(multi, t->easy);
      Report r;
      r.down(WP_ERR_CANCELLED, "cancelled: watchpost is shutting down");
      t->done(r);
      delete t;
    }
    active.clear();
    for (auto& [fd, s] : sockets) {
      s->removed = true;
      curl_multi_assign(multi, fd, nullptr);
      s->sd.release();
    }
    sockets.clear();
    timer.cancel();
    work.reset();
  }

  static int socket_cb(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
    auto* self = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      if (socketp) {
        auto it = self->sockets.find(fd);
        if (it != self->sockets.end()) {
          it->second->removed = true;
          it->second->sd.release();  // curl closes the fd itself
          self->sockets.erase(it);
        }
        curl_multi_assign(self->multi, fd, nullptr);
      }
      return 0;
    }
    if (self->closing && self->active.empty()) return 0;
    std::shared_ptr<Socket> s;
    if (!socketp) {
      s = std::make_shared<Socket>(self->io, fd);
      self->sockets[fd] = s;
      curl_multi_assign(self->multi, fd, s.get());
    } else {
      s = self->sockets[fd];
    }
    s->what = what;
    self->arm(s);
    return 0;
  }

  void arm(const std::shared_ptr<Socket>& s) {
    if ((s->what & CURL_POLL_IN) && !s->reading) {
      s->reading = true;
      s->sd.async_wait(asio::posix::stream_descriptor::wait_read, [this, s](const boost::system::error_code& ec) {
        s->reading = false;
        if (!ec && !s->removed) on_ready(s, CURL_CSELECT_IN);
      });
    }
    if ((s->what & CURL_POLL_OUT) && !s->writing) {
      s->writing = true;
      s->sd.async_wait(asio::posix::stream_descriptor::wait_write, [this, s](const boost::system::error_code& ec) {
        s->writing = false;
        if (!ec && !s->removed) on_ready(s, CURL_CSELECT_OUT);
      });
    }
  }

  void on_ready(const std::shared_ptr<Socket>& s, int direction) {
    int running = 0;
    curl_multi_socket_action(multi, s->fd, direction, &running);
    collect();
    if (!s->removed) arm(s);  // still wanted: wait for the next readiness
  }

  static int timer_cb(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    if (self->closing && self->active.empty()) return 0;
    self->timer.cancel();
    if (timeout_ms < 0) return 0;
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer.async_wait([self](const boost::system::error_code& ec) {
      if (ec) return;
      int running = 0;
      curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      self->collect();
    });
    return 0;
  }

  void add(Transfer* t) {
    if (closing) {
      Report r;
      r.down(WP_ERR_CANCELLED, "cancelled: watchpost is shutting down");
      t->done(r);
      delete t;
      return;
    }
    active.insert(t);
    CURLMcode rc = curl_multi_add_handle(multi, t->easy);
    if (rc != CURLM_OK) {
      active.erase(t);
      Report r;
      r.down(WP_ERR_PROBE, std::string("libcurl refused the transfer: ") + curl_multi_strerror(rc));
      t->done(r);
      delete t;
    }
  }

  void collect() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      CURLcode code = m->data.result;
      curl_multi_remove_handle(multi, m->easy_handle);
      active.erase(t);
      complete(t, code);
      delete t;
    }
  }

  void complete(Transfer* t, CURLcode code) {
    CURL* e = t->easy;
    Report r;
    int64_t dns = info_us(e, CURLINFO_NAMELOOKUP_TIME_T);
    int64_t connect = info_us(e, CURLINFO_CONNECT_TIME_T);
    int64_t tls = info_us(e, CURLINFO_APPCONNECT_TIME_T);
    int64_t first = info_us(e, CURLINFO_STARTTRANSFER_TIME_T);
    int64_t total = info_us(e, CURLINFO_TOTAL_TIME_T);
    // Phases are durations, not curl's cumulative marks; -1 means the phase was not reached.
    r.dns_us = dns > 0 ? dns : (connect > 0 ? 0 : -1);
    r.connect_us = connect > 0 ? connect - dns : -1;
    int64_t ready = connect;
    if (t->target->https && tls > 0) {
      r.tls_us = tls - connect;
      ready = tls;
    }
    r.first_byte_us = first > 0 ? first - ready : -1;
    r.total_us = total;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r.http_status = static_cast<int32_t>(status);
    long redirects = 0;
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
    r.redirects = static_cast<int32_t>(redirects);
    char* ip = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip) {
      r.resolved_ip = ip;
      r.ip_family = r.resolved_ip.find(':') != std::string::npos ? 6 : 4;
    }
    char* effective = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) r.effective_url = effective;
    r.tls_days_left = t->tls_days_left;
    r.bytes_received = t->bytes;
    if (code == CURLE_OK) {
      if (t->target->status_expected(r.http_status)) {
        r.up();
      } else {
        r.down(WP_ERR_HTTP_STATUS, "HTTP " + std::to_string(r.http_status) + ", expected " + t->target->expected_text());
      }
      r.body = std::move(t->body);
    } else {
      bool resolved = dns > 0 || !r.resolved_ip.empty();
      std::string message = t->error[0] ? t->error : curl_easy_strerror(code);
      r.down(error_kind_for(code, resolved), message);
    }
    t->done(r);
  }
};

CurlEngine::CurlEngine(Host host) : impl_(std::make_unique<Impl>(host)) {}
CurlEngine::~CurlEngine() = default;

void CurlEngine::start(std::shared_ptr<const TargetConfig> target, const Check& check, Completion done) {
  auto t = std::make_unique<Transfer>(std::move(target), std::move(done));
  const TargetConfig& c = *t->target;
  CURL* e = curl_easy_init();
  if (!e) throw std::runtime_error("curl_easy_init failed");
  t->easy = e;
  curl_easy_setopt(e, CURLOPT_URL, c.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  if (c.https) {
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  }
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(check.timeout_ms));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(check.timeout_ms));
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, c.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, c.max_redirects);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c.tls_verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c.tls_verify ? 2L : 0L);
  if (!c.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, c.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_IPRESOLVE, c.ip_resolve);
  curl_easy_setopt(e, CURLOPT_USERAGENT, c.user_agent.c_str());
  if (c.headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, c.headers.get());
  if (c.head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  if (!c.reuse_connections) {
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  }
  asio::post(impl_->io, [impl = impl_.get(), t = std::move(t)]() mutable { impl->add(t.release()); });
}

}  // namespace watchpost::http
