#include "log.hpp"

#include "results/json_writer.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace watchpost::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::info)};
std::atomic<bool> g_json{false};
std::mutex g_mutex;

const char* name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

void configure(Format format, Level min_level) {
  g_min_level = static_cast<int>(min_level);
  g_json = format == Format::json || (format == Format::automatic && !isatty(STDERR_FILENO));
}

Level parse_level(std::string_view t, Level fallback) {
  if (t == "debug") return Level::debug;
  if (t == "info") return Level::info;
  if (t == "warn" || t == "warning") return Level::warn;
  if (t == "error") return Level::error;
  return fallback;
}

bool enabled(Level level) { return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  std::string line;
  if (g_json) {
    JsonWriter j(line);
    j.begin_object();
    j.field("ts", timestamp());
    j.field("level", name(level));
    j.field("component", component);
    j.field("msg", message);
    j.end_object();
  } else {
    line = timestamp();
    line += ' ';
    std::string lvl = name(level);
    for (auto& c : lvl) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    lvl.resize(5, ' ');
    line += lvl;
    line += ' ';
    line += component;
    line += ": ";
    line += message;
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace watchpost::log
