// Writes results as human lines or JSON lines, to the terminal or appended to a file.
#pragma once

#include <watchpost/plugin.hpp>

#include <cstdio>
#include <string>

namespace watchpost::stdout_sink {

class StdoutSink final : public Sink {
 public:
  StdoutSink(const Host& host, const Options& options);
  ~StdoutSink() override;
  static const std::vector<wp_option_spec>& options();
  Status write(const Batch& batch) override;

  // One human line (no newline); public so tests can check the format.
  static std::string human_line(const wp_result& r, bool color);

 private:
  Host host_;
  FILE* out_ = nullptr;
  bool owns_ = false;
  bool json_ = false;
  bool color_ = false;
};

}  // namespace watchpost::stdout_sink
