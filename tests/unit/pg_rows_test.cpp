// The rows pg_sink sends with COPY: timestamps formatted by arithmetic, and the summary per
// target its latest-status upsert takes.
#include "copy_row.hpp"
#include "latest_status.hpp"

#include "results/result.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

using namespace watchpost;

TEST(PgRows, TimestampsAgreeWithGmtimeAcrossLeapDaysAndCenturies) {
  auto by_gmtime = [](int64_t us) {
    std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us % 1'000'000));
    return std::string(buf);
  };
  std::vector<int64_t> times = {0, 951'782'399'999'999, 951'782'400'000'000, 4'107'542'400'000'000,
                                253'402'300'799'999'999};
  std::mt19937_64 random(23);
  for (int i = 0; i < 20000; ++i) times.push_back(static_cast<int64_t>(random() % 253'402'300'800'000'000ULL));
  for (int64_t us : times) ASSERT_EQ(pg::timestamp_text(us), by_gmtime(us)) << us;
  EXPECT_EQ(pg::timestamp_text(-1), "1969-12-31 23:59:59.999999+00") << "before the epoch counts down";
}

namespace {

Result at(const std::string& target, int64_t second, int32_t outcome) {
  Result r;
  r.result_id = target + std::to_string(second);
  r.pipeline = "web";
  r.target_id = target;
  r.url = "http://127.0.0.1/" + target;
  r.node = "n1";
  r.labels = std::make_shared<Labels>();
  r.scheduled_at_us = 1'790'000'000'000'000 + second * 1'000'000;
  r.outcome = outcome;
  return r;
}

std::string field(const pg::LatestRow& row, size_t i) { return row.fields[i] ? row.fields[i] : "NULL"; }

}  // namespace

// In key order whatever the batch's (two writers then lock targets in the same order), the
// newest result's fields, and only the failures after the batch's last up counted, in a batch
// whose results arrive out of order.
TEST(PgRows, TheLatestRowPerTargetIsTheNewestInKeyOrderWithFailuresSinceTheLastUp) {
  std::vector<Result> results = {at("zeta", 5, WP_OUTCOME_DOWN), at("alpha", 2, WP_OUTCOME_UP),
                                 at("zeta", 1, WP_OUTCOME_UP),   at("alpha", 1, WP_OUTCOME_DOWN),
                                 at("zeta", 3, WP_OUTCOME_DOWN), at("mid", 4, WP_OUTCOME_DOWN),
                                 at("zeta", 0, WP_OUTCOME_DOWN), at("mid", 2, WP_OUTCOME_DOWN)};
  std::vector<std::unique_ptr<ResultViews>> views;
  std::vector<wp_result> flat;
  for (const Result& r : results) {
    views.push_back(std::make_unique<ResultViews>(r));
    flat.push_back(*views.back()->data());
  }
  auto rows = pg::latest_per_target(Batch(flat.data(), flat.size()));
  ASSERT_EQ(rows.size(), 3u);
  // Columns: pipeline, target_id, url, node, labels, outcome, ..., result_id (12),
  // batch_last_up (13), batch_last_down (14), fails (15), had_up (16).
  EXPECT_EQ(field(rows[0], 1), "alpha");
  EXPECT_EQ(field(rows[1], 1), "mid");
  EXPECT_EQ(field(rows[2], 1), "zeta");
  EXPECT_EQ(field(rows[0], 5), "up");
  EXPECT_EQ(field(rows[0], 12), "alpha2");
  EXPECT_EQ(field(rows[0], 15), "0") << "its newest is up";
  EXPECT_EQ(field(rows[1], 15), "2") << "no up in the batch: every failure counts";
  EXPECT_EQ(field(rows[1], 13), "NULL");
  EXPECT_EQ(field(rows[1], 16), "f");
  EXPECT_EQ(field(rows[2], 12), "zeta5");
  EXPECT_EQ(field(rows[2], 15), "2") << "downs at 3 and 5 are after the up at 1; the one at 0 is not";
  EXPECT_EQ(field(rows[2], 13), pg::timestamp_text(1'790'000'001'000'000));
  EXPECT_EQ(field(rows[2], 14), pg::timestamp_text(1'790'000'005'000'000));
  EXPECT_EQ(field(rows[2], 16), "t");
}
