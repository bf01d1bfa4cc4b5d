#include "curl_loop.hpp"

#include "loop_lag.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace watchpost::http {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Handles kept for reuse: a fresh easy handle costs a dozen allocations (its buffers and
// option strings) that a reset one keeps. Bounded so a burst does not pin memory forever.
constexpr size_t kPooledHandles = 1024;

Report cancelled() {
  Report r;
  r.down(WP_ERR_CANCELLED, "cancelled: watchpost is shutting down");
  return r;
}

}  // namespace

struct CurlLoop::Impl {
  struct Socket {
    explicit Socket(asio::io_context& io, curl_socket_t fd) : sd(io, fd), fd(fd) {}
    asio::posix::stream_descriptor sd;
    curl_socket_t fd;
    int what = 0;
    bool reading = false, writing = false, removed = false;
  };

  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer timer{io};
  bool timer_armed = false;
  Clock::time_point timer_due{};
  bool kick_posted = false;
  CURLM* multi = nullptr;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::unordered_set<Transfer*> active;
  std::vector<CURL*> pool;
  std::atomic<bool> closing{false};
  // Transfers handed over by other threads wait here; one posted drain takes all that came
  // meanwhile (a post per check woke this loop's epoll_wait once per check).
  std::mutex inbox_mutex;
  std::vector<std::unique_ptr<Transfer>> inbox;
  bool inbox_posted = false;
  LoopLag lag{io};
  std::thread thread;

  Impl() {
    global_init();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::socket_cb);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::timer_cb);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    lag.start();
    thread = std::thread([this] { io.run(); });
  }

  ~Impl() {
    closing = true;
    asio::post(io, [this] { cancel_all(); });
    thread.join();
    // Handlers queued after the loop went idle (a start racing with shutdown) still report.
    io.restart();
    io.poll();
    for (CURL* e : pool) curl_easy_cleanup(e);
    curl_multi_cleanup(multi);
  }

  void finish(Transfer* t, const Report& r) {
    t->done(r);
    if (t->easy) release(t->easy);
    delete t;
  }

  void release(CURL* e) {
    if (pool.size() < kPooledHandles) {
      curl_easy_reset(e);
      pool.push_back(e);
    } else {
      curl_easy_cleanup(e);
    }
  }

  CURL* acquire() {
    if (pool.empty()) return curl_easy_init();
    CURL* e = pool.back();
    pool.pop_back();
    return e;
  }

  void cancel_all() {
    for (Transfer* t : active) {
      curl_multi_remove_handle(multi, t->easy);
      finish(t, cancelled());
    }
    active.clear();
    for (auto& [fd, s] : sockets) {
      s->removed = true;
      curl_multi_assign(multi, fd, nullptr);
      s->sd.release();
    }
    sockets.clear();
    timer.cancel();
    timer_armed = false;
    lag.stop();
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
    self->set_timer(timeout_ms);
    return 0;
  }

  // Re-arming a timer is a timerfd_settime system call, and curl asks for a new deadline on
  // nearly every event: at thousands of checks a second that was a tenth of this thread's
  // time. So the timer only ever moves earlier. One that fires before curl's real deadline
  // costs a call to curl that finds nothing due; then curl_multi_timeout() gives the true
  // next deadline (curl also reports it again after any timeout run). Invariant: while curl
  // has a deadline, the timer is armed at or before it.
  void set_timer(long timeout_ms) {
    if (timeout_ms < 0) return;  // nothing due: an armed timer firing early is harmless
    if (timeout_ms == 0) {
      if (!kick_posted) {
        kick_posted = true;
        asio::post(io, [this] {
          kick_posted = false;
          on_timeout();
        });
      }
      return;
    }
    auto due = Clock::now() + std::chrono::milliseconds(timeout_ms);
    if (timer_armed && timer_due <= due) return;
    timer_armed = true;
    timer_due = due;
    timer.expires_at(due);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // moved earlier or cancelled: another wait owns the timer now
      timer_armed = false;
      on_timeout();
    });
  }

  void on_timeout() {
    if (closing && active.empty()) return;
    int running = 0;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect();
    long next = -1;
    curl_multi_timeout(multi, &next);
    set_timer(next);
  }

  void drain_inbox() {
    std::vector<std::unique_ptr<Transfer>> batch;
    {
      std::lock_guard<std::mutex> lock(inbox_mutex);
      batch.swap(inbox);
      inbox_posted = false;
    }
    for (auto& t : batch) add(std::move(t));
  }

  void add(std::unique_ptr<Transfer> owned) {
    Transfer* t = owned.release();
    if (closing) return finish(t, cancelled());
    CURL* e = acquire();
    if (!e) {
      Report r;
      r.down(WP_ERR_PROBE, "libcurl could not create a transfer (out of memory)");
      return finish(t, r);
    }
    configure(e, *t);
    t->started = Clock::now();
    active.insert(t);
    CURLMcode rc = curl_multi_add_handle(multi, e);
    if (rc != CURLM_OK) {
      active.erase(t);
      Report r;
      r.down(WP_ERR_PROBE, std::string("libcurl refused the transfer: ") + curl_multi_strerror(rc));
      finish(t, r);
    }
  }

  // A timeout while this loop ran far behind (more checks than CPU) was watchpost's own
  // doing: the site may have answered in time and gone unread. Report it as the probe's
  // failure (unknown), never as the site being down. The bar, a tenth of the timeout and at
  // least 100 ms, is far above a healthy loop's few milliseconds and far below a real timeout.
  void blame_starvation(const Transfer& t, Report& r) {
    int64_t worst = lag.max_since(t.started);
    if (worst < std::max<int64_t>(100, t.timeout_ms / 10)) return;
    r.down(WP_ERR_PROBE, "timed out while watchpost was overloaded (its event loop ran " + std::to_string(worst) +
                             " ms late): not the site's fault; lower the load or the pipeline's concurrency");
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
      Report r = report_for(*t, code);
      if (code == CURLE_OPERATION_TIMEDOUT) blame_starvation(*t, r);
      finish(t, r);
    }
  }
};

CurlLoop::CurlLoop() : impl_(std::make_unique<Impl>()) {}
CurlLoop::~CurlLoop() = default;

void CurlLoop::start(std::unique_ptr<Transfer> t) {
  Impl* impl = impl_.get();
  {
    std::lock_guard<std::mutex> lock(impl->inbox_mutex);
    impl->inbox.push_back(std::move(t));
    if (impl->inbox_posted) return;  // the drain on its way takes this one too
    impl->inbox_posted = true;
  }
  asio::post(impl->io, [impl] { impl->drain_inbox(); });
}

}  // namespace watchpost::http
