#include "alert_store.hpp"

#include "synced_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace watchpost {

namespace {

PostgresAlertStoreMaker& maker_slot() {
  static PostgresAlertStoreMaker maker;
  return maker;
}

// A firing alert as the state file keeps it; version 1 files (session 6) had no value,
// severity or summary, which the next event fills in again.
AlertRecord firing_from_json(const nlohmann::json& f) {
  AlertRecord a;
  a.rule = f.value("rule", std::string());
  a.target_id = f.value("target_id", std::string());
  a.started_at_us = f.value("started_at_us", int64_t{0});
  a.ended_at_us = f.value("last_slot_us", int64_t{0});
  a.url = f.value("url", std::string());
  a.value = f.value("value", std::string());
  a.severity = f.value("severity", std::string());
  a.summary = f.value("summary", std::string());
  a.alert_id = f.value("alert_id", std::string());
  if (f.contains("labels") && f["labels"].is_object())
    for (auto& [k, v] : f["labels"].items())
      if (v.is_string()) a.labels.emplace_back(k, v.get<std::string>());
  return a;
}

nlohmann::json firing_to_json(const AlertRecord& a) {
  nlohmann::json labels = nlohmann::json::object();
  for (auto& [k, v] : a.labels) labels[k] = v;
  return {{"rule", a.rule},   {"target_id", a.target_id}, {"alert_id", a.alert_id},
          {"severity", a.severity}, {"summary", a.summary}, {"value", a.value},
          {"started_at_us", a.started_at_us}, {"last_slot_us", a.ended_at_us},
          {"url", a.url},     {"labels", labels}};
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A state file's firing alerts. Throws when it is not a state file.
std::vector<AlertRecord> read_state_file(const std::string& path, const std::string& fallback_pipeline) {
  auto j = nlohmann::json::parse(read_whole(path), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("firing") || !j["firing"].is_array())
    throw std::runtime_error(path + " is not an alert state file (move it away to start afresh)");
  std::string pipeline = j.value("pipeline", fallback_pipeline);
  std::vector<AlertRecord> out;
  for (auto& f : j["firing"]) {
    if (!f.is_object()) continue;
    AlertRecord a = firing_from_json(f);
    a.pipeline = pipeline;
    if (a.alert_id.empty()) a.alert_id = pipeline + "/" + a.rule + "/" + a.target_id;
    out.push_back(std::move(a));
  }
  return out;
}

class FileAlertStore : public AlertStore {
 public:
  FileAlertStore(const std::string& spool_dir, const std::string& pipeline, size_t history_max)
      : pipeline_(pipeline),
        state_(spool_dir + "/alerts/" + pipeline + ".json"),
        history_(spool_dir + "/alerts/" + pipeline + ".history.jsonl"),
        history_max_(history_max) {}

  std::vector<AlertRecord> firing(const std::vector<std::string>* targets) override {
    if (!std::filesystem::exists(state_)) return {};  // nothing fired yet
    std::vector<AlertRecord> all = read_state_file(state_, pipeline_);
    if (!targets) return all;
    std::unordered_set<std::string> wanted(targets->begin(), targets->end());
    std::vector<AlertRecord> out;
    for (auto& a : all)
      if (wanted.count(a.target_id)) out.push_back(std::move(a));
    return out;
  }

  void commit(const std::vector<AlertRecord>& changes, const std::vector<AlertRecord>& firing_now) override {
    if (!changes.empty()) {
      std::string lines;
      for (auto& e : changes) lines += to_json(e).dump() + "\n";
      std::error_code ec;
      auto size = std::filesystem::file_size(history_, ec);
      if (!ec && size + lines.size() > history_max_) std::filesystem::rename(history_, history_ + ".1", ec);
      append_file_synced(history_, lines);
    }
    nlohmann::json firing = nlohmann::json::array();
    for (auto& a : firing_now) firing.push_back(firing_to_json(a));
    replace_file_synced(state_, nlohmann::json{{"version", 2}, {"pipeline", pipeline_}, {"firing", firing}}.dump() + "\n");
  }

  bool shared() const override { return false; }
  std::string where() const override { return state_; }

 private:
  std::string pipeline_, state_, history_;
  size_t history_max_;
};

}  // namespace

std::unique_ptr<AlertStore> file_alert_store(const std::string& spool_dir, const std::string& pipeline,
                                             size_t history_max_bytes) {
  return std::make_unique<FileAlertStore>(spool_dir, pipeline, history_max_bytes);
}

SpooledAlerts read_spooled_alerts(const std::string& spool_dir) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(spool_dir) / "alerts";
  if (!fs::is_directory(dir))
    throw std::runtime_error(dir.string() + " does not exist: no pipeline with alerts ran with this spool folder");
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  SpooledAlerts out;
  auto ends = [](const std::string& name, const std::string& tail) {
    return name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (auto& path : files) {
    std::string name = path.filename().string();
    if (ends(name, ".history.jsonl") || ends(name, ".history.jsonl.1")) {
      std::istringstream lines(read_whole(path.string()));
      for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;  // a line torn by a crash
        try {
          AlertRecord e = alert_record_from_json(j);
          if (e.state == WP_ALERT_RESOLVED) out.resolved.push_back(std::move(e));
        } catch (const nlohmann::json::exception&) {
        }
      }
    } else if (ends(name, ".json")) {
      auto firing = read_state_file(path.string(), name.substr(0, name.size() - 5));
      out.firing.insert(out.firing.end(), firing.begin(), firing.end());
    }
  }
  return out;
}

void register_postgres_alert_store(PostgresAlertStoreMaker maker) { maker_slot() = std::move(maker); }
const PostgresAlertStoreMaker& postgres_alert_store_maker() { return maker_slot(); }

}  // namespace watchpost
