// The encoded messages of one batch, kept until the batch's last delivery report, so that
// librdkafka reads each payload where it was written instead of copying it
// (RD_KAFKA_MSG_F_COPY's copy was 9 % of the sink thread). Memory comes in chunks that never
// move or grow: a payload handed to librdkafka stays valid while the arena lives.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace watchpost::kafka {

class PayloadArena {
 public:
  // Below glibc's mmap threshold (128 KiB), so chunks come from the heap and are reused
  // after a batch is freed, rather than mapped and unmapped (page faults) each time.
  static constexpr size_t kChunk = 64 * 1024;

  // Where the next payload goes, with room for at least `n` bytes (a fresh chunk if the
  // current one has less). `room()` then tells how much there is.
  char* reserve(size_t n) {
    if (left_ < n) {
      size_t size = std::max(kChunk, n);
      chunks_.push_back(std::unique_ptr<char[]>(new char[size]));  // not zeroed: written before read
      next_ = chunks_.back().get();
      left_ = size;
    }
    return next_;
  }
  size_t room() const { return left_; }
  // The `n` bytes at the last reserve() are a payload now: they stay put.
  void commit(size_t n) {
    next_ += n;
    left_ -= n;
  }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace watchpost::kafka
