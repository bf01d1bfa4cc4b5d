// CRC-32C (Castagnoli), the checksum of spool records: catches torn and corrupt writes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace watchpost {

uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0);

}  // namespace watchpost
