// An append-only spool on disk for one sink: results that could not be handed to the sink go
// here and are replayed, oldest first, when it recovers — also after a restart.
//
// Layout: DIR/seg-000001.spool, ... and DIR/cursor. A record is
//   [u32 payload length][u32 CRC-32C of payload][payload]   (little-endian)
// The cursor file holds "segment offset" of the first record not yet delivered. On open,
// segments are scanned: a torn or corrupt tail (a crash mid-append, a bad sector) is
// truncated and reported, never fatal. A size cap drops the oldest segments, counted.
// Thread-safe: the core appends from its io thread, the sink thread reads and consumes.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace watchpost {

class Spool {
 public:
  enum class Fsync { always, batch, never };
  struct Options {
    std::string dir;
    int64_t max_bytes = int64_t{1} << 30;
    Fsync fsync = Fsync::batch;
    int64_t segment_bytes = 16 << 20;
  };
  struct Recovery {
    uint64_t records = 0;          // found waiting at open
    uint64_t truncated_bytes = 0;  // torn or corrupt bytes cut off
    std::string note;              // what was cut, where (empty when nothing)
  };

  // Throws std::runtime_error (directory not writable, already locked by another process).
  explicit Spool(Options options);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // The same directory is shared, not reopened: after a reload the new sink worker and the
  // retiring one hold one Spool. Only the latest reader (claim_reader) may peek and consume.
  static std::shared_ptr<Spool> open(const Options& options);
  uint64_t claim_reader();
  bool is_reader(uint64_t reader) const {
    std::lock_guard<std::mutex> lock(mu_);
    return reader == reader_;
  }

  void append(const std::vector<std::string>& records);
  // Up to `max` of the oldest undelivered records, without consuming them. Empty for a
  // reader that is no longer the latest.
  std::vector<std::string> peek(uint64_t reader, size_t max);
  // The first `n` records (as peeked) were delivered: move the cursor past them.
  void consume(uint64_t reader, size_t n);
  // Makes appended records durable now (the batch policy's periodic fsync).
  void sync();

  bool empty() const;
  uint64_t records() const;
  uint64_t bytes() const;
  uint64_t dropped() const;
  const Recovery& recovery() const { return recovery_; }

 private:
  struct Segment {
    uint64_t id;
    std::string path;
    uint64_t size;
    uint64_t records;
  };
  std::string segment_path(uint64_t id) const;
  void open_for_append();
  void roll();
  void save_cursor();
  void enforce_cap();
  uint64_t scan(Segment& seg, uint64_t from);  // validates records; truncates at the first bad one

  Options options_;
  mutable std::mutex mu_;
  int lock_fd_ = -1;
  int write_fd_ = -1;
  std::vector<Segment> segments_;
  uint64_t cursor_segment_ = 0;
  uint64_t cursor_offset_ = 0;
  uint64_t records_ = 0;
  uint64_t dropped_ = 0;
  std::vector<uint64_t> peeked_sizes_;  // byte sizes of the records of the last peek
  uint64_t reader_ = 0;
  int64_t last_sync_ms_ = 0;
  bool dirty_ = false;
  Recovery recovery_;
};

}  // namespace watchpost
