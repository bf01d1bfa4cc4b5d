// How one spooled record is laid out on disk, and how a reader finds records again after
// damage. A record is
//   [u32 magic "WPR2"][u32 payload length][u32 CRC-32C of length and payload][payload]
// (little-endian). The magic lets a reader resynchronise after a corrupt record: it searches
// for the next magic whose record checks out, so one bad record costs only itself. The CRC
// covers the length too, so a flipped length cannot send the reader into the wrong bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace watchpost::spool_frame {

constexpr size_t kHeader = 12;
constexpr uint32_t kMagic = 0x32525057;     // "WPR2" read as little-endian bytes
constexpr uint32_t kMaxPayload = 64u << 20;  // a length beyond this is corruption, not data

// Appends the framed record to `out`.
void append(std::string& out, std::string_view payload);

// Reads and verifies the record at `pos` of `fd` (file size `end`). On success fills
// `payload` and returns the record's whole size; 0 when there is no valid record there.
uint64_t read_at(int fd, uint64_t pos, uint64_t end, std::string& payload);

// The offset of the first valid record after `pos` (exclusive), or `end` when none follows.
uint64_t find_next(int fd, uint64_t pos, uint64_t end);

}  // namespace watchpost::spool_frame
