// The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian integer, then
// the Avro binary datum. What Kafka Connect, ksqlDB and Confluent's serializers read and write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace watchpost::avro {

constexpr size_t kFrameHeaderBytes = 5;

// Appends the five-byte header for `schema_id` to `out`.
inline void append_frame_header(std::string& out, uint32_t schema_id) {
  out.push_back('\0');
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((schema_id >> shift) & 0xFF));
}

struct Framed {
  uint32_t schema_id;
  std::string_view datum;
};

// The header's schema id and the datum after it, or nothing when `message` is not framed.
inline std::optional<Framed> read_frame(std::string_view message) {
  if (message.size() < kFrameHeaderBytes || message[0] != '\0') return std::nullopt;
  uint32_t id = 0;
  for (size_t i = 1; i < kFrameHeaderBytes; ++i) id = (id << 8) | static_cast<unsigned char>(message[i]);
  return Framed{id, message.substr(kFrameHeaderBytes)};
}

}  // namespace watchpost::avro
