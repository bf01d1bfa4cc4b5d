#include "spool.hpp"

#include "../log.hpp"
#include "crc32c.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace watchpost {
namespace {

constexpr size_t kHeader = 8;
constexpr uint32_t kMaxRecord = 64u << 20;  // a length beyond this is corruption, not data

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void put32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t get32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

bool read_exact(int fd, char* buf, size_t n, uint64_t offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string Spool::segment_path(uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "seg-%06llu.spool", static_cast<unsigned long long>(id));
  return options_.dir + "/" + name;
}

Spool::Spool(Options options) : options_(std::move(options)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec) throw std::runtime_error("cannot create spool directory " + options_.dir + ": " + ec.message());
  lock_fd_ = ::open((options_.dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw std::runtime_error("cannot open " + options_.dir + "/lock: " + errno_text());
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw std::runtime_error("spool " + options_.dir + " is in use by another watchpost process");
  }
  for (auto& e : fs::directory_iterator(options_.dir)) {
    std::string name = e.path().filename().string();
    unsigned long long id;
    if (std::sscanf(name.c_str(), "seg-%llu.spool", &id) == 1)
      segments_.push_back({id, e.path().string(), static_cast<uint64_t>(e.file_size()), 0});
  }
  std::sort(segments_.begin(), segments_.end(), [](auto& a, auto& b) { return a.id < b.id; });
  std::ifstream cursor(options_.dir + "/cursor");
  unsigned long long seg = 0, off = 0;
  if (cursor >> seg >> off) {
    cursor_segment_ = seg;
    cursor_offset_ = off;
  } else if (!segments_.empty()) {
    cursor_segment_ = segments_.front().id;
  }
  // Segments before the cursor were delivered already.
  while (!segments_.empty() && segments_.front().id < cursor_segment_) {
    fs::remove(segments_.front().path, ec);
    segments_.erase(segments_.begin());
  }
  if (!segments_.empty() && segments_.front().id != cursor_segment_) {
    cursor_segment_ = segments_.front().id;
    cursor_offset_ = 0;
  }
  for (auto& s : segments_) {
    uint64_t from = s.id == cursor_segment_ ? std::min(cursor_offset_, s.size) : 0;
    if (s.id == cursor_segment_) cursor_offset_ = from;
    s.records = scan(s, from);
    records_ += s.records;
  }
  recovery_.records = records_;
  open_for_append();
}

Spool::~Spool() {
  if (write_fd_ >= 0) {
    if (options_.fsync != Fsync::never) fdatasync(write_fd_);
    ::close(write_fd_);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

uint64_t Spool::scan(Segment& seg, uint64_t from) {
  int fd = ::open(seg.path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open spool segment " + seg.path + ": " + errno_text());
  uint64_t pos = from, records = 0;
  std::string payload;
  std::string bad;
  while (pos < seg.size) {
    char header[kHeader];
    if (seg.size - pos < kHeader || !read_exact(fd, header, kHeader, pos)) {
      bad = "a partial record header";
      break;
    }
    uint32_t len = get32(header), crc = get32(header + 4);
    if (len > kMaxRecord || pos + kHeader + len > seg.size) {
      bad = "a record cut short";
      break;
    }
    payload.resize(len);
    if (!read_exact(fd, payload.data(), len, pos + kHeader) || crc32c(payload.data(), len) != crc) {
      bad = "a record whose checksum does not match";
      break;
    }
    pos += kHeader + len;
    ++records;
  }
  if (pos < seg.size) {
    uint64_t cut = seg.size - pos;
    if (ftruncate(fd, static_cast<off_t>(pos)) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot truncate the corrupt tail of " + seg.path + ": " + errno_text());
    }
    recovery_.truncated_bytes += cut;
    recovery_.note += (recovery_.note.empty() ? "" : "; ") + seg.path + ": cut " + std::to_string(cut) +
                      " bytes at offset " + std::to_string(pos) + " (" + bad + ")";
    seg.size = pos;
  }
  ::close(fd);
  return records;
}

void Spool::open_for_append() {
  if (segments_.empty()) {
    uint64_t id = std::max<uint64_t>(cursor_segment_, 1);
    segments_.push_back({id, segment_path(id), 0, 0});
    cursor_segment_ = id;
    cursor_offset_ = 0;
  }
  write_fd_ = ::open(segments_.back().path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (write_fd_ < 0) throw std::runtime_error("cannot open spool segment " + segments_.back().path + ": " + errno_text());
}

void Spool::roll() {
  if (options_.fsync != Fsync::never) fdatasync(write_fd_);
  ::close(write_fd_);
  uint64_t id = segments_.back().id + 1;
  segments_.push_back({id, segment_path(id), 0, 0});
  write_fd_ = ::open(segments_.back().path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (write_fd_ < 0) throw std::runtime_error("cannot open spool segment " + segments_.back().path + ": " + errno_text());
}

void Spool::append(const std::vector<std::string>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string buf;
  for (auto& r : records) {
    if (segments_.back().size >= static_cast<uint64_t>(options_.segment_bytes)) roll();
    buf.resize(kHeader + r.size());
    put32(buf.data(), static_cast<uint32_t>(r.size()));
    put32(buf.data() + 4, crc32c(r.data(), r.size()));
    std::memcpy(buf.data() + kHeader, r.data(), r.size());
    size_t done = 0;
    while (done < buf.size()) {
      ssize_t w = ::write(write_fd_, buf.data() + done, buf.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("spool write to " + segments_.back().path + " failed: " + errno_text());
      }
      done += static_cast<size_t>(w);
    }
    segments_.back().size += buf.size();
    segments_.back().records += 1;
    ++records_;
  }
  dirty_ = true;
  if (options_.fsync == Fsync::always || (options_.fsync == Fsync::batch && now_ms() - last_sync_ms_ >= 100)) {
    fdatasync(write_fd_);
    dirty_ = false;
    last_sync_ms_ = now_ms();
  }
  enforce_cap();
}

void Spool::sync() {
  std::lock_guard<std::mutex> lock(mu_);
  if (dirty_ && options_.fsync != Fsync::never) fdatasync(write_fd_);
  dirty_ = false;
  last_sync_ms_ = now_ms();
}

void Spool::enforce_cap() {
  uint64_t total = 0;
  for (auto& s : segments_) total += s.size;
  total -= cursor_offset_;
  while (total > static_cast<uint64_t>(options_.max_bytes) && segments_.size() > 1) {
    Segment& oldest = segments_.front();
    uint64_t freed = oldest.size - cursor_offset_;
    dropped_ += oldest.records;
    records_ -= oldest.records;
    log::error("spool", "size cap of " + std::to_string(options_.max_bytes) + " bytes reached: dropped the oldest " +
                            std::to_string(oldest.records) + " results (" + oldest.path + ")");
    std::error_code ec;
    std::filesystem::remove(oldest.path, ec);
    segments_.erase(segments_.begin());
    cursor_segment_ = segments_.front().id;
    cursor_offset_ = 0;
    total -= freed;
    peeked_sizes_.clear();  // what a reader peeked may be gone: its consume must not move the cursor
    save_cursor();
  }
}

std::shared_ptr<Spool> Spool::open(const Options& options) {
  static std::mutex registry_mu;
  static std::map<std::string, std::weak_ptr<Spool>> registry;
  std::lock_guard<std::mutex> lock(registry_mu);
  std::string key = std::filesystem::absolute(options.dir).lexically_normal().string();
  if (auto existing = registry[key].lock()) return existing;
  auto spool = std::make_shared<Spool>(options);
  registry[key] = spool;
  return spool;
}

uint64_t Spool::claim_reader() {
  std::lock_guard<std::mutex> lock(mu_);
  peeked_sizes_.clear();
  return ++reader_;
}

std::vector<std::string> Spool::peek(uint64_t reader, size_t max) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  peeked_sizes_.clear();
  if (reader != reader_) return out;
  for (auto& s : segments_) {
    if (out.size() >= max) break;
    if (s.records == 0) continue;
    int fd = ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot read spool segment " + s.path + ": " + errno_text());
    uint64_t pos = s.id == cursor_segment_ ? cursor_offset_ : 0;
    uint64_t taken = 0;
    while (out.size() < max && taken < s.records && pos < s.size) {
      char header[kHeader];
      if (!read_exact(fd, header, kHeader, pos)) break;
      uint32_t len = get32(header);
      std::string payload(len, '\0');
      if (!read_exact(fd, payload.data(), len, pos + kHeader)) break;
      out.push_back(std::move(payload));
      peeked_sizes_.push_back(kHeader + len);
      pos += kHeader + len;
      ++taken;
    }
    ::close(fd);
    if (taken < s.records) break;  // the rest of the records are later in this segment
  }
  return out;
}

void Spool::consume(uint64_t reader, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  if (reader != reader_) return;
  n = std::min(n, peeked_sizes_.size());
  for (size_t i = 0; i < n; ++i) {
    // Skip segments that hold nothing more to deliver.
    while (segments_.front().records == 0 && segments_.size() > 1) {
      std::error_code ec;
      std::filesystem::remove(segments_.front().path, ec);
      segments_.erase(segments_.begin());
      cursor_segment_ = segments_.front().id;
      cursor_offset_ = 0;
    }
    cursor_offset_ += peeked_sizes_[i];
    segments_.front().records -= 1;
    --records_;
  }
  peeked_sizes_.erase(peeked_sizes_.begin(), peeked_sizes_.begin() + static_cast<long>(n));
  while (segments_.front().records == 0 && segments_.size() > 1) {
    std::error_code ec;
    std::filesystem::remove(segments_.front().path, ec);
    segments_.erase(segments_.begin());
    cursor_segment_ = segments_.front().id;
    cursor_offset_ = 0;
  }
  save_cursor();
}

void Spool::save_cursor() {
  std::string tmp = options_.dir + "/cursor.tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << cursor_segment_ << ' ' << cursor_offset_ << '\n';
  }
  if (options_.fsync == Fsync::always) {
    int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      fdatasync(fd);
      ::close(fd);
    }
  }
  std::rename(tmp.c_str(), (options_.dir + "/cursor").c_str());
}

bool Spool::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_ == 0;
}

uint64_t Spool::records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

uint64_t Spool::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (auto& s : segments_) total += s.size;
  return total - cursor_offset_;
}

uint64_t Spool::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace watchpost
