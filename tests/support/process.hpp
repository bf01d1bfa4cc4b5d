// Runs a program and captures its output, with a deadline (tests of the CLI).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace watchpost::testing {

struct ProcessResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
  bool timed_out = false;
};

ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A started program that the test signals and then waits for.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  void signal(int sig);
  // Waits for exit; kills it after `timeout`.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Output so far (stdout), read without blocking.
  const std::string& out_so_far();
  // Its log so far (stderr), read without blocking.
  const std::string& err_so_far();

 private:
  int pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  bool done_ = false;
  void pump(int timeout_ms);
};

std::string temp_dir();
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

}  // namespace watchpost::testing
