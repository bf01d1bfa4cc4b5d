// The Avro tests' outside parts: Apache Avro's Python library (tests/kafka/avro_interop.py) as
// the independent implementation, and the minimal schema registry (tests/kafka/schema_registry.py)
// standing in for Confluent's or Karapace, which Debian does not package.
#pragma once

#include "http_client.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace watchpost::testing {

inline const char* const kPython = "/usr/bin/python3";

inline bool python_avro_missing() { return run_process({kPython, "-c", "import avro.io"}).exit_code != 0; }

inline std::string kafka_script(const char* name) { return std::string(TESTS_DIR) + "/kafka/" + name; }
// The version the plugins write (docs/avro/result-v3.avsc).
constexpr int kCurrentResultSchema = 3;
inline std::string schema_file(int version) { return std::string(DOCS_DIR) + "/avro/result-v" + std::to_string(version) + ".avsc"; }

// The registry script on 127.0.0.1: `port` 0 picks a free one.
class SchemaRegistry {
 public:
  explicit SchemaRegistry(uint16_t port = 0) : process_({kPython, kafka_script("schema_registry.py"), std::to_string(port)}) {
    bool up = wait_until([&] { return process_.out_so_far().find('\n') != std::string::npos; }, std::chrono::seconds(20));
    if (!up) throw std::runtime_error("the schema registry did not start: " + process_.err_so_far());
    std::istringstream line(process_.out_so_far());
    std::string word;
    line >> word >> port_;
  }
  ~SchemaRegistry() { process_.signal(SIGKILL); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  uint16_t port() const { return port_; }
  // Registers a schema file under `subject`; its id.
  uint32_t add(const std::string& subject, const std::string& schema_text) {
    auto a = http_request("POST", url() + "/subjects/" + subject + "/versions", nlohmann::json{{"schema", schema_text}}.dump(),
                              {"Content-Type: application/vnd.schemaregistry.v1+json"});
    return nlohmann::json::parse(a.body).at("id").get<uint32_t>();
  }

 private:
  ChildProcess process_;
  uint16_t port_ = 0;
};

inline std::string base64(const std::string& in) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += abc[(n >> s) & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint8_t(in[i]) << 16 | (i + 1 < in.size() ? uint8_t(in[i + 1]) << 8 : 0);
    out += abc[(n >> 18) & 63];
    out += abc[(n >> 12) & 63];
    out += i + 1 < in.size() ? abc[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

inline std::string unbase64(const std::string& in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char* at = c ? std::strchr(abc, c) : nullptr;
    if (!at) continue;
    buf = (buf << 6) | static_cast<uint32_t>(at - abc);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

// Runs the Python side: one input line per item, one output line per item.
inline std::vector<std::string> avro_interop(const std::vector<std::string>& args, const std::vector<std::string>& lines) {
  std::string dir = temp_dir();
  std::string input;
  for (auto& l : lines) input += l + "\n";
  write_file(dir + "/in", input);
  std::vector<std::string> argv = {"/bin/sh", "-c", ""};
  std::string command = std::string(kPython) + " " + kafka_script("avro_interop.py");
  for (auto& a : args) command += " '" + a + "'";
  argv[2] = command + " < " + dir + "/in";
  auto r = run_process(argv, std::chrono::seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  std::istringstream s(r.out);
  for (std::string line; std::getline(s, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

inline std::string target_schema_file() { return std::string(DOCS_DIR) + "/avro/target-v1.avsc"; }

}  // namespace watchpost::testing
