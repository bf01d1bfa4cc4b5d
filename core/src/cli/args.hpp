// A small command-line reader: positionals, --flag, --key VALUE, --key=VALUE.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace watchpost::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `valued` lists the options that take a value; `flags` those that do not.
  Args(int argc, char** argv, int first, const std::vector<std::string>& valued, const std::vector<std::string>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::string value(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> values(const std::string& name) const;
  // Every `--name KEY=VALUE` given, split; a UsageError for one without a key or an '='.
  std::vector<std::pair<std::string, std::string>> pairs(const std::string& name) const;
  bool has(const std::string& name) const { return values_.count(name) > 0; }

 private:
  std::vector<std::string> positional_;
  std::map<std::string, int> flags_;
  std::multimap<std::string, std::string> values_;
};

// Shared by every command: --plugin-dir (repeatable), --log-format, --log-level.
std::vector<std::string> common_valued();
void apply_logging(const Args& args, const std::string& format_fallback = "auto", const std::string& level_fallback = "info");

}  // namespace watchpost::cli
