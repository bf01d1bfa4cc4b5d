// Times as receivers want them: RFC 3339, UTC, milliseconds.
#pragma once

#include <cstdint>
#include <string>

namespace watchpost::notify {

std::string rfc3339(int64_t unix_us);

}  // namespace watchpost::notify
