// watchpost-dev-broker: a Kafka-protocol broker on 127.0.0.1 for development and tests.
#include "mock_kafka.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

static const char* kHelp = R"(usage: watchpost-dev-broker [--brokers N] [--topic NAME[:PARTITIONS]]... [--bootstrap-file FILE]

Runs librdkafka's built-in mock cluster on 127.0.0.1 and prints "bootstrap HOST:PORT,...".
FOR DEVELOPMENT AND TESTS ONLY: it keeps everything in memory and forgets it on exit.
In production, point `brokers:` at a real Kafka (or Kafka-compatible) cluster.
)";

int main(int argc, char** argv) {
  int brokers = 1;
  std::string bootstrap_file;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) brokers = std::atoi(argv[++i]);
    else if (a == "--bootstrap-file" && i + 1 < argc) bootstrap_file = argv[++i];
    else if (a == "--topic" && i + 1 < argc) {
      std::string t = argv[++i];
      auto colon = t.find(':');
      topics.emplace_back(t.substr(0, colon), colon == std::string::npos ? 4 : std::atoi(t.c_str() + colon + 1));
    } else {
      std::fputs(kHelp, a == "--help" ? stdout : stderr);
      return a == "--help" ? 0 : 64;
    }
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  try {
    watchpost::devbroker::MockKafka kafka(brokers);
    for (auto& [name, partitions] : topics) kafka.create_topic(name, partitions);
    if (!bootstrap_file.empty()) std::ofstream(bootstrap_file) << kafka.bootstrap() << "\n";
    std::printf("bootstrap %s\n", kafka.bootstrap().c_str());
    std::fprintf(stderr, "watchpost-dev-broker: %d mock broker(s) for development and tests only\n", brokers);
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "watchpost-dev-broker: %s\n", e.what());
    return 1;
  }
  return 0;
}
