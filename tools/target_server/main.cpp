// watchpost-target: a local HTTP(S) target for the demo and tests (see http_target.hpp for
// the paths it answers). Prints "listening URL" and serves until SIGINT/SIGTERM.
#include "http_target.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

int main(int argc, char** argv) {
  watchpost::target::HttpTarget::Options options;
  std::string cert_out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--tls") options.tls = true;
    else if (a == "--port" && i + 1 < argc) options.port = static_cast<uint16_t>(std::atoi(argv[++i]));
    else if (a == "--cert-out" && i + 1 < argc) cert_out = argv[++i];
    else {
      std::fprintf(stderr,
                   "usage: watchpost-target [--port N] [--tls [--cert-out FILE]]\n"
                   "A local HTTP target for watchpost's demo and tests; listens on 127.0.0.1 only.\n");
      return a == "--help" ? 0 : 64;
    }
  }
  // What /hook takes is shown: the demo's webhook receiver is this server.
  options.on_hook = [](const std::string& body) {
    std::printf("hook %s\n", body.c_str());
    std::fflush(stdout);
  };
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts: only sigwait sees them
  std::unique_ptr<watchpost::target::HttpTarget> started;
  try {
    started = std::make_unique<watchpost::target::HttpTarget>(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "watchpost-target: cannot listen on 127.0.0.1:%u: %s\n", options.port, e.what());
    return 1;
  }
  auto& server = *started;
  if (!cert_out.empty()) std::ofstream(cert_out) << server.certificate_pem();
  std::printf("listening %s\n", server.url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}
