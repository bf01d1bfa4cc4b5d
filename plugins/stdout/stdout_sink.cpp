#include "stdout_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace watchpost::stdout_sink {
namespace {

std::string ms(int64_t us) {
  char buf[32];
  if (us < 0) return "-";
  if (us < 10'000) std::snprintf(buf, sizeof buf, "%.1fms", us / 1000.0);
  else std::snprintf(buf, sizeof buf, "%.0fms", us / 1000.0);
  return buf;
}


}  // namespace

const std::vector<wp_option_spec>& StdoutSink::options() {
  static const std::vector<wp_option_spec> specs = {
      option("format", WP_OPT_STRING, "auto", "human lines, JSON lines, or auto (human on a terminal)", "auto|human|json"),
      option("path", WP_OPT_STRING, "-", "File to append to; - is standard output"),
      option("color", WP_OPT_STRING, "auto", "Colour the outcome on a terminal", "auto|always|never"),
  };
  return specs;
}

StdoutSink::StdoutSink(const Host& host, const Options& o) : host_(host) {
  std::string path = o.string("path", "-");
  if (path == "-") {
    out_ = stdout;
  } else {
    out_ = std::fopen(path.c_str(), "a");
    if (!out_) throw OptionError("path", "cannot open '" + path + "' for appending: " + std::strerror(errno));
    owns_ = true;
  }
  bool tty = isatty(fileno(out_));
  std::string format = o.string("format", "auto");
  json_ = format == "json" || (format == "auto" && !tty);
  std::string color = o.string("color", "auto");
  color_ = color == "always" || (color == "auto" && tty);
}

StdoutSink::~StdoutSink() {
  if (owns_) std::fclose(out_);
  else std::fflush(out_);
}

std::string StdoutSink::human_line(const wp_result& r, bool color) {
  std::string line;
  const char* word = r.outcome == WP_OUTCOME_UP ? "UP  " : r.outcome == WP_OUTCOME_DOWN ? "DOWN" : "UNKN";
  const char* paint = r.outcome == WP_OUTCOME_UP ? "\033[32m" : r.outcome == WP_OUTCOME_DOWN ? "\033[31m" : "\033[33m";
  if (color) line += paint;
  line += word;
  if (color) line += "\033[0m";
  line += "  ";
  line += view(r.target_id);
  if (view(r.url) != view(r.target_id)) {
    line += " (";
    line += view(r.url);
    line += ")";
  }
  if (r.http_status) line += "  " + std::to_string(r.http_status);
  line += "  " + ms(r.total_us);
  if (r.connect_us >= 0) {
    line += " [dns " + ms(r.dns_us) + " connect " + ms(r.connect_us);
    if (r.tls_us >= 0) line += " tls " + ms(r.tls_us);
    line += " first-byte " + ms(r.first_byte_us) + "]";
  }
  if (r.bytes_received) line += "  " + std::to_string(r.bytes_received) + " B";
  if (r.resolved_ip.size) {
    line += "  ";
    line += view(r.resolved_ip);
  }
  if (r.tls_days_left != INT32_MIN) line += "  cert " + std::to_string(r.tls_days_left) + "d";
  if (r.attempts > 1) line += "  attempts " + std::to_string(r.attempts);
  if (r.outcome != WP_OUTCOME_UP) {
    line += "  ";
    line += r.outcome == WP_OUTCOME_DOWN ? "down: " : "unknown: ";
    line += wp_error_kind_name(r.error_kind);
    if (r.error_message.size) {
      line += " — ";
      line += view(r.error_message);
    }
  }
  return line;
}

Status StdoutSink::write(const Batch& batch) {
  std::string buf;
  for (size_t i = 0; i < batch.size(); ++i) {
    buf += json_ ? host_.to_json(batch[i]) : human_line(batch[i], color_);
    buf += '\n';
  }
  if (std::fwrite(buf.data(), 1, buf.size(), out_) != buf.size() || std::fflush(out_) != 0)
    return Status::retry(std::string("write failed: ") + std::strerror(errno));
  return Status::ok();
}

}  // namespace watchpost::stdout_sink
