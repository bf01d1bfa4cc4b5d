// The conditions evaluator alone, in-process: the same five conditions as
// bench/conditions_cost.sh on the same body, timed over many results (each a fresh Subject,
// so the body is read as JSON every time, as in a pipeline). Prints microseconds per result.
//   conditions_eval_time BODY_FILE [RESULTS]
#include "conditions_evaluator.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace watchpost::conditions;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: conditions_eval_time BODY_FILE [RESULTS]\n");
    return 64;
  }
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  const int results = argc > 2 ? std::atoi(argv[2]) : 50000;
  wp_result r{};
  r.struct_size = sizeof r;
  r.body = {body.data(), body.size()};
  r.http_status = 200;
  r.total_us = 1200;
  r.bytes_received = body.size();
  wp_label headers[] = {{{"Content-Type", 12}, {"application/json", 16}}};
  r.headers = headers;
  r.header_count = 1;
  std::vector<Condition> conditions;
  for (const char* c : {"[STATUS] == 200", "[RESPONSE_TIME] < 2s", "[HEADER:Content-Type] =~ /json/",
                        "[BODY].status == UP and len([BODY].checks) > 10", "[BYTES] > 1000"})
    conditions.emplace_back(c);
  Limits limits;
  size_t held = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < results; ++i) {
    Subject subject(r, limits);
    for (auto& c : conditions) held += c.evaluate(subject).outcome == Condition::Outcome::Holds;
  }
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / results;
  if (held != conditions.size() * static_cast<size_t>(results)) {
    std::fprintf(stderr, "the conditions did not all hold: the body is not the bench's\n");
    return 1;
  }
  std::printf("%.2f\n", us);
  return 0;
}
