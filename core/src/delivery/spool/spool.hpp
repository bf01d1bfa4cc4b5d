// An append-only spool on disk for one sink: results that could not be handed to the sink go
// here and are replayed, oldest first, when it recovers — also after a restart.
//
// Layout: DIR/seg-000001.spool, ..., DIR/cursor and DIR/quarantine/. Records are framed as
// record_frame.hpp says. The cursor file holds "segment offset" of the first record not yet
// delivered and is replaced atomically (write, fsync, rename).
//
// What goes wrong, and what it costs:
// - An append that fails (a full disk) is rolled back: it stores all of its records or none,
//   and the spool stays readable and appendable once space returns.
// - Every read verifies the checksum. A corrupt record in the middle of a segment costs only
//   itself: its bytes are copied to DIR/quarantine/, counted, and reading resumes at the next
//   good record. A torn tail (a crash mid-append) is cut off and reported.
// - A size cap drops the oldest segments, counted.
// Thread-safe: the core appends from its io thread, the sink thread reads and consumes.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
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
    uint64_t truncated_bytes = 0;  // a torn tail cut off
    std::string note;              // what was cut or quarantined, where (empty when nothing)
  };
  struct Damage {
    uint64_t spans = 0;  // corrupt stretches set aside (each is one or more lost records)
    uint64_t bytes = 0;
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

  // All or nothing: throws std::runtime_error (with the system's reason) and stores none of
  // `records` when the disk refuses them.
  void append(const std::vector<std::string>& records);
  // Up to `max` of the oldest undelivered records, without consuming them. Empty for a
  // reader that is no longer the latest.
  std::vector<std::string> peek(uint64_t reader, size_t max);
  // The first `n` records (as peeked) were delivered: move the cursor past them. A cursor
  // that cannot be saved is kept in memory and saved with the next consume; until then a
  // restart delivers those records again (counted in cursor_errors()).
  void consume(uint64_t reader, size_t n);
  // Makes appended records durable now (the batch policy's periodic fsync).
  void sync();

  bool empty() const;
  uint64_t records() const;
  uint64_t bytes() const;
  uint64_t dropped() const;
  uint64_t cursor_errors() const;
  Damage quarantined() const;
  const Recovery& recovery() const { return recovery_; }
  const std::string& dir() const { return options_.dir; }

 private:
  struct Segment {
    uint64_t id;
    std::string path;
    uint64_t size;
    uint64_t records;
    std::vector<std::pair<uint64_t, uint64_t>> holes;  // [from, to) set aside as corrupt
  };
  std::string segment_path(uint64_t id) const;
  int open_segment(const std::string& path);
  void open_for_append();
  void roll();
  void save_cursor();
  void enforce_cap();
  void drop_front_segment();
  // Counts the valid records of `seg` from `from`; corrupt stretches become holes (their bytes
  // quarantined), a corrupt tail of the segment being appended to is cut off.
  uint64_t scan(Segment& seg, uint64_t from);
  // Copies bytes the spool cannot read into DIR/quarantine/; says where, for the log.
  std::string keep_aside(const Segment& seg, int fd, uint64_t from, uint64_t to);
  void quarantine(const Segment& seg, int fd, uint64_t from, uint64_t to, const std::string& why);

  Options options_;
  mutable std::mutex mu_;
  int lock_fd_ = -1;
  int write_fd_ = -1;
  std::vector<Segment> segments_;
  uint64_t cursor_segment_ = 0;
  uint64_t cursor_offset_ = 0;
  uint64_t records_ = 0;
  uint64_t dropped_ = 0;
  uint64_t cursor_errors_ = 0;
  bool cursor_failing_ = false;
  Damage damage_;
  std::vector<uint64_t> peeked_sizes_;  // bytes each peeked record moves the cursor (holes included)
  uint64_t reader_ = 0;
  int64_t last_sync_ms_ = 0;
  bool dirty_ = false;
  Recovery recovery_;
};

}  // namespace watchpost
