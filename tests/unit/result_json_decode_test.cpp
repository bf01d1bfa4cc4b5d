#include "results/result.hpp"
#include "results/result_json.hpp"
#include "results/result_json_decode.hpp"
#include "results/ulid.hpp"

#include <gtest/gtest.h>

using namespace watchpost;

namespace {

std::string encode(const Result& r) {
  ResultViews v(r);
  std::string out;
  append_result_json(out, *v.data());
  return out;
}

Result full() {
  Result r;
  r.result_id = make_ulid(1'790'000'000'123);
  r.target_id = "shop";
  r.pipeline = "web";
  r.url = "https://shop.example/";
  r.node = "checker-1";
  r.labels = std::make_shared<Labels>(Labels{{"team", "web"}, {"tier", "1"}});
  r.scheduled_at_us = 1'790'000'000'123'000;
  r.started_at_us = 1'790'000'000'124'567;
  r.dns_us = 10;
  r.connect_us = 20;
  r.tls_us = 30;
  r.first_byte_us = 40;
  r.total_us = 100;
  r.http_status = 200;
  r.bytes_received = 5120;
  r.outcome = WP_OUTCOME_DOWN;
  r.error_kind = WP_ERR_BODY_MISMATCH;
  r.error_message = "pattern 'x' not found";
  r.resolved_ip = "2001:db8::1";
  r.ip_family = 6;
  r.tls_days_left = 42;
  r.attempts = 2;
  r.redirects = 1;
  r.verdicts = {{"web/regex", 0, "pattern 'x' not found"}};
  return r;
}

}  // namespace

TEST(ResultDecode, RoundTripKeepsEveryField) {
  Result in = full();
  Result out;
  ASSERT_EQ(decode_result_json(encode(in), out), "");
  EXPECT_EQ(out.result_id, in.result_id);
  EXPECT_EQ(out.target_id, in.target_id);
  EXPECT_EQ(out.pipeline, in.pipeline);
  EXPECT_EQ(out.node, in.node);
  EXPECT_EQ(*out.labels, *in.labels);
  EXPECT_EQ(out.scheduled_at_us, in.scheduled_at_us);
  EXPECT_EQ(out.started_at_us, in.started_at_us);
  EXPECT_EQ(out.dns_us, 10);
  EXPECT_EQ(out.tls_us, 30);
  EXPECT_EQ(out.total_us, 100);
  EXPECT_EQ(out.http_status, 200);
  EXPECT_EQ(out.bytes_received, 5120u);
  EXPECT_EQ(out.outcome, WP_OUTCOME_DOWN);
  EXPECT_EQ(out.error_kind, WP_ERR_BODY_MISMATCH);
  EXPECT_EQ(out.error_message, in.error_message);
  EXPECT_EQ(out.resolved_ip, in.resolved_ip);
  EXPECT_EQ(out.ip_family, 6);
  EXPECT_EQ(out.tls_days_left, 42);
  EXPECT_EQ(out.attempts, 2u);
  EXPECT_EQ(out.redirects, 1);
  ASSERT_EQ(out.verdicts.size(), 1u);
  EXPECT_EQ(out.verdicts[0].pass, 0);
  EXPECT_EQ(encode(out), encode(in)) << "decode(encode(x)) encodes to the same bytes";
}

TEST(ResultDecode, NullsMeanNotMeasured) {
  Result in;
  in.result_id = make_ulid(1'700'000'000'000);
  in.target_id = "t";
  in.scheduled_at_us = 1'700'000'000'000'000;
  in.outcome = WP_OUTCOME_UNKNOWN;
  Result out;
  ASSERT_EQ(decode_result_json(encode(in), out), "");
  EXPECT_EQ(out.dns_us, -1);
  EXPECT_EQ(out.http_status, 0);
  EXPECT_EQ(out.tls_days_left, INT32_MIN);
  EXPECT_EQ(out.error_kind, WP_ERR_NONE);
}

TEST(ResultDecode, RejectsWithAReason) {
  Result out;
  EXPECT_EQ(decode_result_json("not json", out), "not valid JSON");
  EXPECT_EQ(decode_result_json("[1,2]", out), "not a JSON object");
  std::string good = encode(full());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_NE(decode_result_json(with("\"schema_version\":1", "\"schema_version\":2"), out).find("unknown schema_version 2"),
            std::string::npos);
  EXPECT_NE(decode_result_json(with("\"outcome\":\"down\"", "\"outcome\":\"sideways\""), out).find("outcome"),
            std::string::npos);
  EXPECT_NE(decode_result_json(with("\"error_kind\":\"body_mismatch\"", "\"error_kind\":\"gremlins\""), out)
                .find("unknown error_kind"),
            std::string::npos);
  EXPECT_NE(decode_result_json(with("\"http_status\":200", "\"http_status\":\"200\""), out).find("integer"),
            std::string::npos);
  EXPECT_NE(decode_result_json(with("\"target_id\":\"shop\",", ""), out).find("missing 'target_id'"), std::string::npos);
  // A region is a short name; a poisoned message with a huge one is refused, not stored.
  EXPECT_NE(decode_result_json(with("\"target_id\":\"shop\",", "\"target_id\":\"shop\",\"region\":\"" +
                                                                     std::string(300, 'r') + "\","),
                               out)
                .find("'region' is longer than"),
            std::string::npos);
  EXPECT_EQ(decode_result_json(with("\"target_id\":\"shop\",", "\"target_id\":\"shop\",\"region\":\"eu-west\","), out), "");
  EXPECT_EQ(out.region, "eu-west");
}

TEST(Rfc3339, ParsesWhatWeWriteAndRejectsTheRest) {
  int64_t us = 0;
  ASSERT_TRUE(parse_rfc3339_us("2026-11-21T13:37:43.057000Z", us));
  EXPECT_EQ(us, 1'795'268'263'057'000);
  ASSERT_TRUE(parse_rfc3339_us("1970-01-01T00:00:01Z", us));
  EXPECT_EQ(us, 1'000'000);
  for (const char* bad : {"", "2026-11-21", "2026-11-21T13:37:43", "2026-13-01T00:00:00Z", "2026-11-21T13:37:43.Z",
                          "2026-11-21T13:37:43+01:00"})
    EXPECT_FALSE(parse_rfc3339_us(bad, us)) << bad;
}

// A result inside a maintenance window (ABI 1.5) says so and names the window; one outside
// says nothing; a message that says one without the other is refused.
TEST(ResultDecode, TheMaintenanceWindowRoundTripsAndMustAgreeWithInMaintenance) {
  Result in = full();
  EXPECT_EQ(encode(in).find("maintenance"), std::string::npos) << "outside a window: no field at all";
  in.maintenance_window = "sunday-deploys";
  std::string text = encode(in);
  EXPECT_NE(text.find("\"in_maintenance\":true,\"maintenance_window\":\"sunday-deploys\""), std::string::npos) << text;
  Result out;
  ASSERT_EQ(decode_result_json(text, out), "");
  EXPECT_EQ(out.maintenance_window, "sunday-deploys");
  EXPECT_EQ(encode(out), text);
  auto edit = [&](const std::string& from, const std::string& to) {
    std::string s = text;
    return s.replace(s.find(from), from.size(), to);
  };
  EXPECT_NE(decode_result_json(edit("\"in_maintenance\":true", "\"in_maintenance\":false"), out).find("exactly when"),
            std::string::npos);
  EXPECT_NE(decode_result_json(edit("\"in_maintenance\":true", "\"in_maintenance\":\"yes\""), out).find("true or false"),
            std::string::npos);
  EXPECT_NE(decode_result_json(edit("sunday-deploys", std::string(300, 'w')), out).find("'maintenance_window' is longer"),
            std::string::npos);
}
