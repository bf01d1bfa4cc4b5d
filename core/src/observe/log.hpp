// Process-wide logging: readable lines on a terminal, JSON lines otherwise.
#pragma once

#include <string_view>

namespace watchpost::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
enum class Format { automatic, human, json };

void configure(Format format, Level min_level);
Level parse_level(std::string_view text, Level fallback);
bool enabled(Level level);
// Thread-safe; one line per call.
void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view c, std::string_view m) { write(Level::debug, c, m); }
inline void info(std::string_view c, std::string_view m) { write(Level::info, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::warn, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::error, c, m); }

}  // namespace watchpost::log
