// The Avro codec of results (plugins/avro_format): what is encoded decodes to the same record
// (compared through the core's JSON form), older and newer compatible schemas are read, the
// incompatible ones are refused by field, and hostile bytes give an error, never a crash.
#include "avro_reference_encoder.hpp"
#include "confluent_framing.hpp"
#include "result_decoder.hpp"
#include "result_encoder.hpp"
#include "result_schema.hpp"
#include "target_codec.hpp"
#include "results/result.hpp"
#include "results/result_json.hpp"
#include "results/ulid.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

using namespace watchpost;
using watchpost::avro::IncompatibleSchema;
using watchpost::avro::ResultDecoder;
using watchpost::avro::ResultEncoder;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result full_result() {
  Result r;
  r.result_id = make_ulid(1'790'000'000'123);
  r.target_id = "shop";
  r.pipeline = "checker";
  r.url = "https://shop.example/health";
  r.node = "node-1";
  r.region = "eu";
  r.maintenance_window = "sunday-deploys";
  auto labels = std::make_shared<Labels>();
  labels->emplace_back("team", "payments");
  labels->emplace_back("tier", "1");
  r.labels = labels;
  r.scheduled_at_us = 1'790'000'000'123'456;
  r.started_at_us = 1'790'000'000'124'000;
  r.dns_us = 120;
  r.connect_us = 340;
  r.tls_us = 2100;
  r.first_byte_us = 15'000;
  r.total_us = 18'000;
  r.http_status = 503;
  r.bytes_received = 1234;
  r.outcome = WP_OUTCOME_DOWN;
  r.error_kind = WP_ERR_HTTP_STATUS;
  r.error_message = "status 503 not in [200]";
  r.resolved_ip = "127.0.0.1";
  r.ip_family = 4;
  r.tls_days_left = 42;
  r.attempts = 2;
  r.redirects = 1;
  r.verdicts.push_back({"regex", 0, "pattern 'OK' not found"});
  r.verdicts.push_back({"latency", -1, "not measured"});
  return r;
}

Result bare_result() {
  Result r;
  r.result_id = make_ulid(1'790'000'000'000);
  r.target_id = "t";
  r.labels = std::make_shared<Labels>();
  r.scheduled_at_us = 1'790'000'000'000'000;
  r.outcome = WP_OUTCOME_UP;
  return r;
}

std::string json_of(const wp_result& r) {
  std::string out;
  append_result_json(out, r);
  return out;
}

std::string encode(const Result& r) {
  ResultEncoder encoder;
  std::string out;
  encoder.encode(ResultViews(r).data()[0], out);
  return out;
}

// Decodes and returns the JSON form of what came out, or "error: why".
std::string decode_to_json(ResultDecoder& decoder, std::string_view datum) {
  std::string json;
  std::string why = decoder.decode(datum, [&](const wp_result& r) { json = json_of(r); });
  return why.empty() ? json : "error: " + why;
}

std::string schema_v1() { return read_file(std::string(DOCS_DIR) + "/avro/result-v1.avsc"); }

// The current schema with its fields changed by `edit`.
std::string edited_schema(const std::function<void(nlohmann::json& fields)>& edit) {
  auto j = nlohmann::json::parse(avro::result_schema_json());
  edit(j["fields"]);
  return j.dump();
}

}  // namespace

TEST(AvroCodec, TheBuiltInSchemaIsTheOneInDocs) {
  EXPECT_EQ(avro::result_schema_json(), read_file(std::string(DOCS_DIR) + "/avro/result-v3.avsc"));
}

TEST(AvroCodec, TheEncoderWritesTheBytesLibavroWrites) {
  std::vector<Result> cases = {full_result(), bare_result()};
  Result odd = full_result();
  const char bad_text[] = "nul \0 and bad \xff\xfe bytes";
  odd.error_message = std::string(bad_text, sizeof bad_text - 1);
  odd.tls_days_left = -5;
  odd.bytes_received = uint64_t(1) << 40;
  odd.scheduled_at_us = 7'258'118'399'999'999;
  auto many = std::make_shared<Labels>();
  for (int i = 0; i < 64; ++i) many->emplace_back("key-" + std::to_string(i), std::string(i * 7, 'v'));
  odd.labels = many;
  for (int i = 0; i < 70; ++i) odd.verdicts.push_back({"e" + std::to_string(i), i % 3 - 1, std::string(i, 'm')});
  cases.push_back(odd);
  // The encoder writes into memory sized beforehand: text whose every byte is repaired into
  // three (U+FFFD) is the most it can need, in every text field at once.
  Result worst = full_result();
  worst.url = std::string(5000, '\x80');
  worst.error_message = std::string(20000, '\xff');
  worst.error_kind = WP_ERR_PROTOCOL;
  worst.resolved_ip = std::string(300, '\0');
  worst.labels = std::make_shared<Labels>(Labels{{std::string(100, '\xfe'), std::string(900, '\xc0')}});
  worst.verdicts = {{std::string(50, '\xff'), 0, std::string(4000, '\xed')}};
  cases.push_back(worst);
  avro::ReferenceEncoder reference;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string theirs;
    reference.encode(ResultViews(cases[i]).data()[0], theirs);
    EXPECT_EQ(encode(cases[i]), theirs) << "case " << i;
  }
}

TEST(AvroCodec, EveryFieldRoundTrips) {
  for (const Result& original : {full_result(), bare_result()}) {
    ResultDecoder decoder(avro::result_schema_json());
    std::string datum = encode(original);
    EXPECT_EQ(decode_to_json(decoder, datum), json_of(ResultViews(original).data()[0]));
  }
}

TEST(AvroCodec, IsSmallerThanTheJsonForm) {
  Result r = full_result();
  EXPECT_LT(encode(r).size() * 2, json_of(ResultViews(r).data()[0]).size()) << "Avro should be well under half the JSON";
}

TEST(AvroCodec, TextThatIsNotUtf8IsWrittenWithReplacementCharacters) {
  Result r = bare_result();
  r.error_message = std::string("bad \xff byte");
  r.error_kind = WP_ERR_PROTOCOL;
  ResultDecoder decoder(avro::result_schema_json());
  std::string json = decode_to_json(decoder, encode(r));
  EXPECT_NE(json.find("bad \xEF\xBF\xBD byte"), std::string::npos) << json;
}

// Versions 2 and 3 only appended `region` and `maintenance_window` (unions whose null is the
// byte 0), so a version 1 datum is a version 3 datum without them, less those last two bytes.
TEST(AvroCodec, ADatumOfAnOlderVersionIsReadWithTheDefaultRegionAndWindow) {
  Result r = full_result();
  r.region.clear();
  r.maintenance_window.clear();
  std::string v3 = encode(r);
  ASSERT_EQ(v3.substr(v3.size() - 2), std::string(2, '\0'));
  std::string v1 = v3.substr(0, v3.size() - 2);
  ResultDecoder old_writer(schema_v1());
  EXPECT_EQ(decode_to_json(old_writer, v1), json_of(ResultViews(r).data()[0]));
}

TEST(AvroCodec, ANewerWriterWithAnExtraFieldIsRead) {
  // Forward compatibility: a field added by a later version is skipped.
  std::string v3 = edited_schema([](nlohmann::json& f) {
    f.push_back({{"name", "probe_version"}, {"type", "string"}, {"default", ""}});
  });
  Result r = bare_result();
  std::string datum = encode(r) + std::string("\x06" "1.0", 4);  // the string "1.0" after the last field
  ResultDecoder decoder(v3);
  EXPECT_EQ(decode_to_json(decoder, datum), json_of(ResultViews(r).data()[0]));
}

TEST(AvroCodec, AWriterThatOrdersEnumSymbolsDifferentlyIsReadByName) {
  std::string reordered = edited_schema([](nlohmann::json& f) {
    for (auto& field : f)
      if (field["name"] == "outcome") field["type"]["symbols"] = {"unknown", "down", "up"};
  });
  Result r = bare_result();  // up: symbol index 0 in ours, which is 'unknown' in the writer's order
  std::string datum = encode(r);
  ResultDecoder ours(avro::result_schema_json());
  ResultDecoder theirs(reordered);
  EXPECT_NE(decode_to_json(theirs, datum).find("\"outcome\":\"unknown\""), std::string::npos)
      << "index 0 is 'unknown' in the writer's order";
  EXPECT_NE(decode_to_json(ours, datum).find("\"outcome\":\"up\""), std::string::npos);
}

TEST(AvroCodec, IncompatibleWriterSchemasAreRefusedNamingTheField) {
  auto refused = [](const std::string& schema) {
    try {
      ResultDecoder d(schema);
    } catch (const IncompatibleSchema& e) {
      return std::string(e.what());
    } catch (const std::invalid_argument& e) {
      return std::string("invalid: ") + e.what();
    }
    return std::string("accepted");
  };
  auto without = [](const char* name) {
    return edited_schema([&](nlohmann::json& f) {
      for (size_t i = 0; i < f.size(); ++i)
        if (f[i]["name"] == name) f.erase(i);
    });
  };
  EXPECT_EQ(refused(without("target_id")), "field 'target_id' is missing and has no default");
  EXPECT_EQ(refused(without("error_kind")), "accepted") << "an optional field may be absent";
  EXPECT_NE(refused(edited_schema([](nlohmann::json& f) { f[1]["type"] = "int"; })).find("field 'target_id' is int"),
            std::string::npos);
  EXPECT_NE(refused(edited_schema([](nlohmann::json& f) {
              f[6]["type"] = {{"type", "long"}, {"logicalType", "timestamp-millis"}};
            })).find("timestamp-millis"),
            std::string::npos);
  EXPECT_NE(refused(edited_schema([](nlohmann::json& f) { f[17]["type"] = "long"; })).find("field 'attempts'"),
            std::string::npos)
      << "long is not read as int (Avro promotes only the other way)";
  EXPECT_EQ(refused("\"string\""), "the writer's schema is not a record");
  EXPECT_EQ(refused("{not json").rfind("invalid: ", 0), 0u);
}

TEST(AvroCodec, HostileDatumsGiveAnErrorNeverACrash) {
  ResultDecoder decoder(avro::result_schema_json());
  std::string good = encode(full_result());
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_EQ(decode_to_json(decoder, good.substr(0, n)).rfind("error: ", 0), 0u) << "cut at " << n;
  EXPECT_EQ(decode_to_json(decoder, good + "x"), "error: bytes left after the Avro datum");
  // A string length of 2^62 in the first field: refused without allocating it.
  std::string huge("\xfe\xff\xff\xff\xff\xff\xff\xff\x7f", 9);
  EXPECT_EQ(decode_to_json(decoder, huge + good).rfind("error: ", 0), 0u);
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string noise = good;
    for (int k = 0; k < 3; ++k) noise[random() % noise.size()] = static_cast<char>(random());
    decode_to_json(decoder, noise);  // any answer but a crash (ASan watches)
  }
}

TEST(AvroCodec, DatumsBeyondTheRecordsBoundsAreRefused) {
  ResultDecoder decoder(avro::result_schema_json());
  auto why = [&](const std::function<void(Result&)>& edit) {
    Result r = full_result();
    edit(r);
    return decode_to_json(decoder, encode(r));
  };
  EXPECT_EQ(why([](Result& r) { r.result_id = "not-a-ulid"; }), "error: 'result_id' must be a 26-character ULID");
  EXPECT_EQ(why([](Result& r) { r.target_id = std::string(300, 'x'); }), "error: 'target_id' is longer than 256 bytes");
  EXPECT_EQ(why([](Result& r) { r.scheduled_at_us = 7'258'118'400'000'000; }), "error: 'scheduled_at' is out of range");
  EXPECT_EQ(why([](Result& r) { r.http_status = 99; }), "error: 'http_status' is out of range");
  EXPECT_EQ(why([](Result& r) {
              auto many = std::make_shared<Labels>();
              for (int i = 0; i < 65; ++i) many->emplace_back("k" + std::to_string(i), "v");
              r.labels = many;
            }),
            "error: more than 64 labels");
}

TEST(ConfluentFraming, HeaderCarriesTheIdBigEndian) {
  std::string out;
  avro::append_frame_header(out, 0x01020304);
  EXPECT_EQ(out, std::string("\0\x01\x02\x03\x04", 5));
  std::string message = out + "datum";
  auto f = avro::read_frame(message);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->schema_id, 0x01020304u);
  EXPECT_EQ(f->datum, "datum");
  EXPECT_FALSE(avro::read_frame(std::string("\x01\0\0\0\x01x", 6))) << "magic byte must be 0";
  EXPECT_FALSE(avro::read_frame(std::string("\0\0\0", 3))) << "too short";
}

// The catalogue topic's record: a definition as the publisher makes it comes back as the same
// text; what the record cannot carry is refused by name.
TEST(TargetCodec, DefinitionsRoundTripToTheSameText) {
  const std::vector<std::string> definitions = {
      R"({"url":"http://a.example/"})",
      R"({"attempts":2,"evaluate":[{"mode":"must_match","pattern":"ok","plugin":"regex"},)"
      R"({"mode":"must_not_match","pattern":"error","plugin":"regex"}],"expected_status":["200","3xx"],)"
      R"("headers":{"X-A":"1"},"interval":"30000ms","labels":{"team":"web","tier":"1"},"max_redirects":3,)"
      R"("method":"HEAD","timeout":"5000ms","url":"https://b.example/health"})",
  };
  avro::TargetEncoder encoder;
  avro::TargetDecoder decoder(avro::target_schema_json());
  for (auto& d : definitions) {
    std::string datum = encoder.encode(d), back;
    EXPECT_EQ(decoder.decode(datum, [&](const std::string& text) { back = text; }), "");
    EXPECT_EQ(back, d);
  }
  // Durations in other units are carried as milliseconds.
  std::string back;
  decoder.decode(encoder.encode(R"({"interval":"2m","url":"u"})"), [&](const std::string& t) { back = t; });
  EXPECT_EQ(back, R"({"interval":"120000ms","url":"u"})");
}

TEST(TargetCodec, WhatTheRecordCannotCarryIsRefusedByName) {
  avro::TargetEncoder encoder;
  auto refused = [&](const std::string& d) {
    try {
      encoder.encode(d);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused(R"({"url":"u","evaluate":[{"plugin":"conditions","expr":"x"}]})").find("'evaluate'"), std::string::npos);
  EXPECT_NE(refused(R"({"url":"u","interval":"soon"})").find("'interval' is not a duration"), std::string::npos);
  EXPECT_NE(refused(R"({"name":"no url"})").find("'url'"), std::string::npos);
  EXPECT_NE(refused("[1]").find("JSON object"), std::string::npos);
}

TEST(TargetCodec, HostileDatumsGiveAnError) {
  avro::TargetEncoder encoder;
  avro::TargetDecoder decoder(avro::target_schema_json());
  std::string good = encoder.encode(R"({"labels":{"a":"b"},"url":"http://x/","max_redirects":3})");
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_NE(decoder.decode(good.substr(0, n), [](const std::string&) {}), "") << "cut at " << n;
  EXPECT_THROW(avro::TargetDecoder(avro::result_schema_json()), std::runtime_error) << "a result is not a target";
}
