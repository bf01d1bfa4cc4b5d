// A targets plugin for tests: targets from a YAML file (a list of mappings, each with an id),
// a full snapshot whenever the file's content changes. Lets the catalogue's tests change the
// target set of a running pipeline by writing a file.
#include <watchpost/plugin.hpp>

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

using namespace watchpost;

class FileTargets final : public TargetsProvider {
 public:
  FileTargets(const Host&, const Options& o) : path_(o.string("path")) {}
  static const std::vector<wp_option_spec>& options() {
    static const std::vector<wp_option_spec> specs = {required_option("path", WP_OPT_STRING, "YAML list of targets")};
    return specs;
  }
  Status poll(TargetEmitter& emit, uint32_t timeout_ms) override {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Status::retry("cannot read " + path_);
    if (text.str() == last_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<uint32_t>(timeout_ms, 50)));
      return Status::ok();
    }
    std::vector<TargetChange> all;
    try {
      for (auto item : YAML::Load(text.str())) {
        std::string id = item["id"].as<std::string>();
        YAML::Emitter out;
        out << YAML::Flow << item;
        all.push_back(TargetChange::upsert(id, out.c_str()));
      }
    } catch (const std::exception& e) {
      return Status::retry(std::string("not a list of targets yet: ") + e.what());  // half written
    }
    last_ = text.str();
    // In parts of two, as a large source would send them.
    for (size_t i = 0; i < all.size() || i == 0; i += 2) {
      std::vector<TargetChange> part(all.begin() + std::min(i, all.size()), all.begin() + std::min(i + 2, all.size()));
      emit.snapshot(part, i + 2 >= all.size());
    }
    return Status::ok();
  }

 private:
  std::string path_;
  std::string last_;
};

WATCHPOST_PLUGIN("file_targets", "0.1.0", "Targets from a YAML file (tests)", FileTargets)
