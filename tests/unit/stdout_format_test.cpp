#include "stdout_sink.hpp"

#include <gtest/gtest.h>

using namespace watchpost;

TEST(StdoutHumanLine, UpWithTimingsAndDownWithReason) {
  wp_result r{};
  r.struct_size = sizeof r;
  r.target_id = str("shop");
  r.url = str("https://shop.example/");
  r.outcome = WP_OUTCOME_UP;
  r.http_status = 200;
  r.dns_us = 1200;
  r.connect_us = 3400;
  r.tls_us = 25000;
  r.first_byte_us = 80000;
  r.total_us = 110000;
  r.bytes_received = 5120;
  r.tls_days_left = 42;
  std::string up = stdout_sink::StdoutSink::human_line(r, false);
  EXPECT_EQ(up,
            "UP    shop (https://shop.example/)  200  110ms [dns 1.2ms connect 3.4ms tls 25ms first-byte 80ms]  5120 B"
            "  cert 42d");
  r.outcome = WP_OUTCOME_DOWN;
  r.error_kind = WP_ERR_DNS;
  r.error_message = str("Could not resolve host: shop.example");
  r.http_status = 0;
  r.connect_us = -1;
  r.tls_days_left = INT32_MIN;
  r.bytes_received = 0;
  std::string down = stdout_sink::StdoutSink::human_line(r, false);
  EXPECT_NE(down.find("DOWN  shop"), std::string::npos) << down;
  EXPECT_NE(down.find("down: dns — Could not resolve host: shop.example"), std::string::npos) << down;
}
