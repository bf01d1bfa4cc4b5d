// Result ids: ULIDs (48-bit millisecond time + 80 random bits, Crockford base32, 26 chars).
// Unique without coordination across a fleet, and they sort by schedule time.
#pragma once

#include <cstdint>
#include <string>

namespace watchpost {

std::string make_ulid(int64_t unix_ms);

}  // namespace watchpost
