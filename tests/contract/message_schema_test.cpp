// The message format: what we produce validates against docs/result.schema.json (checked by
// an independent validator, Python's jsonschema), and our decoder rejects what it rejects.
#include "process.hpp"
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"
#include "results/ulid.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace watchpost;
namespace wt = watchpost::testing;

namespace {

// One verdict line per document, from the external validator.
std::vector<std::string> validate(const std::vector<std::string>& docs) {
  std::string dir = wt::temp_dir();
  std::vector<std::string> argv = {"/usr/bin/python3", std::string(TESTS_DIR) + "/support/validate_json.py",
                                   std::string(DOCS_DIR) + "/result.schema.json"};
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string path = dir + "/doc" + std::to_string(i) + ".json";
    wt::write_file(path, docs[i]);
    argv.push_back(path);
  }
  auto r = wt::run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::stringstream ss(r.out);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  EXPECT_EQ(lines.size(), docs.size()) << r.out << r.err;
  return lines;
}

std::string encode(const Result& r) {
  ResultViews v(r);
  std::string out;
  append_result_json(out, *v.data());
  return out;
}

std::vector<Result> samples() {
  std::vector<Result> out;
  Result up;
  up.result_id = make_ulid(1'790'000'000'000);
  up.target_id = "shop";
  up.pipeline = "web";
  up.url = "https://shop.example/";
  up.node = "n1";
  up.labels = std::make_shared<Labels>(Labels{{"team", "web"}});
  up.scheduled_at_us = 1'790'000'000'000'000;
  up.started_at_us = up.scheduled_at_us + 250;
  up.dns_us = 5;
  up.connect_us = 50;
  up.tls_us = 500;
  up.first_byte_us = 5000;
  up.total_us = 6000;
  up.http_status = 200;
  up.bytes_received = 1234;
  up.outcome = WP_OUTCOME_UP;
  up.resolved_ip = "127.0.0.1";
  up.ip_family = 4;
  up.tls_days_left = 80;
  up.verdicts = {{"web/regex", 1, "matched"}};
  out.push_back(up);
  Result down = up;
  down.result_id = make_ulid(1'790'000'000'001);
  down.outcome = WP_OUTCOME_DOWN;
  down.error_kind = WP_ERR_DNS;
  down.error_message = "Could not resolve host";
  down.http_status = 0;
  down.connect_us = down.tls_us = down.first_byte_us = -1;
  down.resolved_ip.clear();
  down.ip_family = 0;
  down.tls_days_left = INT32_MIN;
  down.verdicts.clear();
  out.push_back(down);
  Result unknown = down;
  unknown.result_id = make_ulid(1'790'000'000'002);
  unknown.outcome = WP_OUTCOME_UNKNOWN;
  unknown.error_kind = WP_ERR_EVALUATOR;
  unknown.verdicts = {{"web/regex", -1, "match limit"}};
  unknown.labels = nullptr;
  out.push_back(unknown);
  return out;
}

}  // namespace

TEST(MessageSchema, ProducedMessagesValidate) {
  std::vector<std::string> docs;
  for (auto& r : samples()) docs.push_back(encode(r));
  auto verdicts = validate(docs);
  for (size_t i = 0; i < verdicts.size(); ++i) EXPECT_EQ(verdicts[i], "valid") << docs[i];
}

TEST(MessageSchema, TheDecoderRejectsWhatTheSchemaRejects) {
  const Result sample = samples()[0];
  std::string good = encode(sample);
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    size_t at = s.find(from);
    if (at == std::string::npos) {
      ADD_FAILURE() << "no '" << from << "' in " << good;
      return s;
    }
    return s.replace(at, from.size(), to);
  };
  std::vector<std::string> bad = {
      "{}",
      "[]",
      "\"just a string\"",
      with("\"schema_version\":1", "\"schema_version\":2"),
      with("\"schema_version\":1,", ""),
      with("\"result_id\":\"", "\"result_id\":\"x"),
      with("\"result_id\":\"" + sample.result_id + "\"", "\"result_id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAI\""),
      with("\"target_id\":\"shop\"", "\"target_id\":\"\""),
      with("\"target_id\":\"shop\",", ""),
      with("\"outcome\":\"up\"", "\"outcome\":\"UP\""),
      with("\"outcome\":\"up\",", ""),
      with("\"error_kind\":null", "\"error_kind\":\"gremlins\""),
      with("\"http_status\":200", "\"http_status\":99"),
      with("\"http_status\":200", "\"http_status\":\"200\""),
      with("\"scheduled_at\":\"", "\"scheduled_at\":\"yesterday "),
      with("\"started_at\":\"", "\"started_at\":null,\"x\":\""),
      with("\"labels\":{\"team\":\"web\"}", "\"labels\":{\"team\":7}"),
      with("\"labels\":{\"team\":\"web\"}", "\"labels\":null"),
      with("\"bytes_received\":1234", "\"bytes_received\":-1"),
      with("\"ip_family\":4", "\"ip_family\":5"),
      with("\"attempts\":1", "\"attempts\":0"),
      with("\"dns\":5", "\"dns\":-5"),
      with("\"pass\":\"pass\"", "\"pass\":\"maybe\""),
      with("\"verdicts\":[", "\"verdicts\":[{\"pass\":\"pass\"},"),
  };
  auto verdicts = validate(bad);
  ASSERT_EQ(verdicts.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_NE(verdicts[i], "valid") << "the schema should reject case " << i << ": " << bad[i];
    Result r;
    EXPECT_NE(decode_result_json(bad[i], r), "") << "the decoder accepted what the schema rejects (" << verdicts[i]
                                                 << "): " << bad[i];
  }
}
