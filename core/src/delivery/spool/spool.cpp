#include "spool.hpp"

#include "observe/log.hpp"
#include "record_frame.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

namespace frame = spool_frame;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string errno_text(int err = errno) { return std::strerror(err); }

bool write_all(int fd, const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t w = ::write(fd, data + done, size - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(w);
  }
  return true;
}

// Why the bytes at `pos` are not a record, in words for the log.
std::string why_bad(int fd, uint64_t pos, uint64_t end) {
  unsigned char h[frame::kHeader];
  if (end - pos < frame::kHeader || pread(fd, h, sizeof h, static_cast<off_t>(pos)) != static_cast<ssize_t>(sizeof h))
    return "a partial record header";
  uint32_t magic = 0, len = 0;
  for (int i = 0; i < 4; ++i) magic |= static_cast<uint32_t>(h[i]) << (8 * i);
  for (int i = 0; i < 4; ++i) len |= static_cast<uint32_t>(h[4 + i]) << (8 * i);
  if (magic != frame::kMagic) return "no record marker";
  if (len > frame::kMaxPayload || end - pos - frame::kHeader < len) return "a record cut short";
  return "a record whose checksum does not match";
}

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
      segments_.push_back({id, e.path().string(), static_cast<uint64_t>(e.file_size()), 0, {}});
  }
  std::sort(segments_.begin(), segments_.end(), [](auto& a, auto& b) { return a.id < b.id; });
  std::ifstream cursor(options_.dir + "/cursor");
  unsigned long long seg = 0, off = 0;
  if (cursor >> seg >> off) {
    cursor_segment_ = seg;
    cursor_offset_ = off;
  } else if (!segments_.empty()) {
    // No readable cursor: deliver everything again rather than risk losing anything.
    if (cursor.is_open()) log::warn("spool", options_.dir + "/cursor is unreadable: delivering every spooled record");
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

std::string Spool::keep_aside(const Segment& seg, int fd, uint64_t from, uint64_t to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(options_.dir + "/quarantine", ec);
  // Named by place, so finding the same damage again after a restart overwrites, not repeats.
  std::string path = options_.dir + "/quarantine/" + fs::path(seg.path).stem().string() + "-at-" +
                     std::to_string(from) + ".bad";
  int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool kept = out >= 0;
  std::string buf(64 << 10, '\0');
  for (uint64_t at = from; kept && at < to;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), to - at));
    ssize_t r = pread(fd, buf.data(), want, static_cast<off_t>(at));
    kept = r > 0 && write_all(out, buf.data(), static_cast<size_t>(r));
    at += r > 0 ? static_cast<uint64_t>(r) : 0;
  }
  if (out >= 0) ::close(out);
  return kept ? " (kept in " + path + ")" : " (could not be copied aside)";
}

void Spool::quarantine(const Segment& seg, int fd, uint64_t from, uint64_t to, const std::string& why) {
  damage_.spans += 1;
  damage_.bytes += to - from;
  std::string what = seg.path + ": set aside " + std::to_string(to - from) + " corrupt bytes at offset " +
                     std::to_string(from) + " (" + why + ")" + keep_aside(seg, fd, from, to) +
                     "; the records after them are delivered";
  recovery_.note += (recovery_.note.empty() ? "" : "; ") + what;
  log::error("spool", what);
}

uint64_t Spool::scan(Segment& seg, uint64_t from) {
  int fd = ::open(seg.path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open spool segment " + seg.path + ": " + errno_text());
  const bool appending_here = &seg == &segments_.back();
  uint64_t pos = from, records = 0;
  std::string payload;
  while (pos < seg.size) {
    auto hole = std::find_if(seg.holes.begin(), seg.holes.end(), [&](auto& h) { return h.first == pos; });
    if (hole != seg.holes.end()) {
      pos = hole->second;
      continue;
    }
    if (uint64_t len = frame::read_at(fd, pos, seg.size, payload)) {
      pos += len;
      ++records;
      continue;
    }
    std::string why = why_bad(fd, pos, seg.size);
    uint64_t next = frame::find_next(fd, pos, seg.size);
    if (next == seg.size && appending_here) {
      // A torn tail: the next append goes where it began.
      uint64_t cut = seg.size - pos;
      std::string kept = keep_aside(seg, fd, pos, seg.size);
      if (ftruncate(fd, static_cast<off_t>(pos)) != 0) {
        int err = errno;
        ::close(fd);
        throw std::runtime_error("cannot truncate the corrupt tail of " + seg.path + ": " + errno_text(err));
      }
      recovery_.truncated_bytes += cut;
      recovery_.note += (recovery_.note.empty() ? "" : "; ") + seg.path + ": cut " + std::to_string(cut) +
                        " bytes at offset " + std::to_string(pos) + " (" + why + ")" + kept;
      seg.size = pos;
      seg.holes.erase(std::remove_if(seg.holes.begin(), seg.holes.end(), [&](auto& h) { return h.first >= pos; }),
                      seg.holes.end());
      break;
    }
    quarantine(seg, fd, pos, next, why);
    seg.holes.erase(std::remove_if(seg.holes.begin(), seg.holes.end(),
                                   [&](auto& h) { return h.first >= pos && h.first < next; }),
                    seg.holes.end());
    seg.holes.emplace_back(pos, next);
    pos = next;
  }
  ::close(fd);
  return records;
}

int Spool::open_segment(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open spool segment " + path + ": " + errno_text());
  return fd;
}

void Spool::open_for_append() {
  if (segments_.empty()) {
    uint64_t id = std::max<uint64_t>(cursor_segment_, 1);
    segments_.push_back({id, segment_path(id), 0, 0, {}});
    cursor_segment_ = id;
    cursor_offset_ = 0;
  }
  write_fd_ = open_segment(segments_.back().path);
}

void Spool::roll() {
  uint64_t id = segments_.back().id + 1;
  std::string path = segment_path(id);
  int fd = open_segment(path);  // before anything changes: a refusal leaves the spool as it was
  if (options_.fsync != Fsync::never && fdatasync(write_fd_) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    throw std::runtime_error("spool fsync of " + segments_.back().path + " failed: " + errno_text(err));
  }
  ::close(write_fd_);
  write_fd_ = fd;
  segments_.push_back({id, path, 0, 0, {}});
}

void Spool::append(const std::vector<std::string>& records) {
  if (records.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  // What each touched segment looked like before, so a refusal can undo the whole append.
  struct Before {
    size_t index;
    uint64_t size, records;
  };
  std::vector<Before> touched;
  auto undo = [&] {
    for (auto it = touched.rbegin(); it != touched.rend(); ++it) {
      Segment& seg = segments_[it->index];
      bool is_last = it->index + 1 == segments_.size();
      int fd = is_last ? write_fd_ : ::open(seg.path.c_str(), O_WRONLY | O_CLOEXEC);
      // Should even the truncation fail, the partial bytes become a hole readers step over.
      if (fd < 0 || ftruncate(fd, static_cast<off_t>(it->size)) != 0) {
        uint64_t real = seg.size;  // not knowable: assume what was written stayed
        struct stat st {};
        if (fd >= 0 && fstat(fd, &st) == 0) real = static_cast<uint64_t>(st.st_size);
        if (real > it->size) seg.holes.emplace_back(it->size, real);
        it->size = std::max(it->size, real);
      }
      if (fd >= 0 && !is_last) ::close(fd);
      seg.size = it->size;
      seg.records = it->records;
    }
  };
  std::string buf;
  for (size_t i = 0; i < records.size();) {
    const uint64_t limit = static_cast<uint64_t>(options_.segment_bytes);
    try {
      if (segments_.back().size >= limit) roll();
    } catch (...) {
      undo();
      throw;
    }
    Segment& seg = segments_.back();
    buf.clear();
    size_t n = 0;
    while (i < records.size() && (n == 0 || seg.size + buf.size() + frame::kHeader + records[i].size() <= limit)) {
      frame::append(buf, records[i++]);
      ++n;
    }
    touched.push_back({segments_.size() - 1, seg.size, seg.records});
    if (!write_all(write_fd_, buf.data(), buf.size())) {
      int err = errno;
      undo();
      throw std::runtime_error("spool write to " + seg.path + " failed: " + errno_text(err));
    }
    seg.size += buf.size();
    seg.records += n;
  }
  dirty_ = true;
  if (options_.fsync == Fsync::always || (options_.fsync == Fsync::batch && now_ms() - last_sync_ms_ >= 100)) {
    last_sync_ms_ = now_ms();
    if (fdatasync(write_fd_) != 0) {
      int err = errno;
      undo();
      throw std::runtime_error("spool fsync of " + segments_.back().path + " failed: " + errno_text(err));
    }
    dirty_ = false;
  }
  records_ += records.size();
  enforce_cap();
}

void Spool::sync() {
  std::lock_guard<std::mutex> lock(mu_);
  if (dirty_ && options_.fsync != Fsync::never) fdatasync(write_fd_);
  dirty_ = false;
  last_sync_ms_ = now_ms();
}

void Spool::drop_front_segment() {
  std::error_code ec;
  std::filesystem::remove(segments_.front().path, ec);
  segments_.erase(segments_.begin());
  cursor_segment_ = segments_.front().id;
  cursor_offset_ = 0;
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
    drop_front_segment();
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
    uint64_t taken = 0, skipped = 0;  // skipped: hole bytes before the next record
    std::string payload;
    while (out.size() < max && taken < s.records && pos < s.size) {
      auto hole = std::find_if(s.holes.begin(), s.holes.end(), [&](auto& h) { return h.first == pos; });
      if (hole != s.holes.end()) {
        skipped += hole->second - pos;
        pos = hole->second;
        continue;
      }
      uint64_t len = frame::read_at(fd, pos, s.size, payload);
      if (len == 0) {
        // Damaged since it was written or scanned: set it aside and count again from here.
        uint64_t before = s.records;
        s.records = taken + scan(s, pos);
        records_ -= before - std::min(before, s.records);
        continue;
      }
      out.push_back(std::move(payload));
      peeked_sizes_.push_back(skipped + len);
      skipped = 0;
      pos += len;
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
    while (segments_.front().records == 0 && segments_.size() > 1) drop_front_segment();
    cursor_offset_ += peeked_sizes_[i];
    segments_.front().records -= 1;
    --records_;
  }
  peeked_sizes_.erase(peeked_sizes_.begin(), peeked_sizes_.begin() + static_cast<long>(n));
  while (segments_.front().records == 0 && segments_.size() > 1) drop_front_segment();
  // Everything delivered: give the space back now, not when the segment would roll.
  Segment& last = segments_.back();
  if (records_ == 0 && segments_.size() == 1 && last.size > 0 && peeked_sizes_.empty() &&
      ftruncate(write_fd_, 0) == 0) {
    last.size = 0;
    last.holes.clear();
    cursor_offset_ = 0;
  }
  save_cursor();
}

void Spool::save_cursor() {
  std::string text = std::to_string(cursor_segment_) + ' ' + std::to_string(cursor_offset_) + '\n';
  std::string tmp = options_.dir + "/cursor.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && write_all(fd, text.data(), text.size()) &&
            (options_.fsync == Fsync::never || fdatasync(fd) == 0);
  int err = errno;
  if (fd >= 0) ::close(fd);
  if (ok && std::rename(tmp.c_str(), (options_.dir + "/cursor").c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    ++cursor_errors_;
    if (!cursor_failing_)
      log::error("spool", "cannot save the cursor of " + options_.dir + ": " + errno_text(err) +
                              "; the previous cursor stays, so a restart now would deliver some results again");
    cursor_failing_ = true;
  } else if (cursor_failing_) {
    log::info("spool", "the cursor of " + options_.dir + " is saved again");
    cursor_failing_ = false;
  }
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

uint64_t Spool::cursor_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cursor_errors_;
}

Spool::Damage Spool::quarantined() const {
  std::lock_guard<std::mutex> lock(mu_);
  return damage_;
}

}  // namespace watchpost
