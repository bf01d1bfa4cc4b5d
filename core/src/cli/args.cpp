#include "args.hpp"

#include "observe/log.hpp"

#include <algorithm>

namespace watchpost::cli {

Args::Args(int argc, char** argv, int first, const std::vector<std::string>& valued,
           const std::vector<std::string>& flags) {
  auto known = [](const std::vector<std::string>& list, const std::string& s) {
    return std::find(list.begin(), list.end(), s) != list.end();
  };
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2), value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (known(valued, name)) {
        if (!inline_value) {
          if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
          value = argv[++i];
        }
        values_.emplace(name, value);
      } else if (known(flags, name) && !inline_value) {
        flags_[name]++;
      } else {
        throw UsageError("unknown option --" + name);
      }
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      // "-h" is not a URL and "-x" is no file: a dash word is an option this command lacks.
      throw UsageError("unknown option " + a);
    } else {
      positional_.push_back(a);
    }
  }
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
  auto range = values_.equal_range(name);
  std::string v = fallback;
  for (auto it = range.first; it != range.second; ++it) v = it->second;  // the last one wins
  return v;
}

std::vector<std::string> Args::values(const std::string& name) const {
  std::vector<std::string> out;
  auto range = values_.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

std::vector<std::pair<std::string, std::string>> Args::pairs(const std::string& name) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& kv : values(name)) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--" + name + " takes KEY=VALUE");
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

std::vector<std::string> common_valued() { return {"plugin-dir", "log-format", "log-level"}; }

void apply_logging(const Args& args, const std::string& format_fallback, const std::string& level_fallback) {
  std::string f = args.value("log-format", format_fallback);
  log::Format format = f == "json" ? log::Format::json : f == "human" ? log::Format::human : log::Format::automatic;
  if (f != "json" && f != "human" && f != "auto") throw UsageError("--log-format must be auto, human or json");
  log::configure(format, log::parse_level(args.value("log-level", level_fallback), log::Level::info));
}

}  // namespace watchpost::cli
