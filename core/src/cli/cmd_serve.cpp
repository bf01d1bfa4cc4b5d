// watchpost serve: the REST API over the catalogue, accounts, results and alerts in PostgreSQL
// (server/api, docs/api.md). Runs until SIGTERM or SIGINT.
#include "api_service.hpp"
#include "auth/passwords.hpp"
#include "args.hpp"
#include "catalog.hpp"
#include "catalog/catalog_entry_check.hpp"
#include "commands.hpp"
#include "database.hpp"
#include "http/api_server.hpp"
#include "observe/listen_address.hpp"
#include "observe/log.hpp"

#include "conninfo.hpp"
#include "openapi_document.hpp"

#include <watchpost/values.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pthread.h>
#include <sstream>
#include <thread>

namespace watchpost::cli {

namespace {

// The secret access tokens are signed with: a file, $WATCHPOST_API_SECRET, or (with a warning)
// a random one that lives as long as the process.
std::string token_secret(const Args& args) {
  if (args.has("token-secret-file")) {
    std::ifstream in(args.value("token-secret-file"));
    if (!in) throw UsageError("--token-secret-file: cannot read " + args.value("token-secret-file"));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() < 32) throw UsageError("--token-secret-file must hold at least 32 bytes (e.g. openssl rand -hex 32)");
    return s;
  }
  if (const char* env = std::getenv("WATCHPOST_API_SECRET"); env && *env) {
    if (std::string(env).size() < 32) throw UsageError("$WATCHPOST_API_SECRET must be at least 32 bytes");
    return env;
  }
  log::warn("api", "no token secret given (--token-secret-file or $WATCHPOST_API_SECRET): a random one is used, so "
                   "access tokens end with this process and other instances do not accept them");
  return api::random_token(48);
}

}  // namespace

int cmd_serve(int argc, char** argv) {
  auto valued = common_valued();
  valued.insert(valued.end(), {"dsn", "schema", "listen", "tls-cert", "tls-key", "token-secret-file", "token-lifetime",
                               "config", "pipeline", "threads"});
  Args args(argc, argv, 2, valued, {"no-signup"});
  if (!args.positional().empty()) throw UsageError("serve takes no positional arguments");
  pg::Conninfo where = database_from_args(args, "watchpost serve");
  auto lifetime = parse_duration_ms(args.value("token-lifetime", "15m"));
  if (!lifetime || *lifetime < 60'000 || *lifetime > 86'400'000)
    throw UsageError("--token-lifetime takes a duration from 1m to 24h (default 15m)");
  std::string threads_text = args.value("threads", "4");
  if (threads_text.size() > 3 || threads_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(threads_text) < 1)
    throw UsageError("--threads takes a number from 1 to 999");

  // Targets written through the API are checked as `watchpost targets` checks them.
  PluginCatalog plugins = load_catalog(args);
  std::optional<Config> config;
  if (args.has("config")) config = load_config(args.value("config"), plugins);
  api::ApiSettings settings;
  settings.signup = !args.flag("no-signup");
  settings.default_pipeline = args.value("pipeline", "default");
  settings.openapi_json = openapi_document();
  auto check = [&plugins, &config](const pg::CatalogEntry& e) -> std::string {
    auto pipeline = catalogue_pipeline(config ? &*config : nullptr, e.pipeline);
    if (!pipeline) return "the server's --config has no probe pipeline named '" + e.pipeline + "'";
    return catalogue_entry_problem(e, *pipeline, plugins);
  };

  api::DbPool db(where, args.value("schema", "watchpost"), static_cast<size_t>(std::stoi(threads_text)));
  api::ApiService service(db, api::AccessTokens(token_secret(args), *lifetime / 1000), settings, check);
  api::ApiServer::Options options;
  options.listen = args.value("listen", "127.0.0.1:8080");
  options.tls_cert = args.value("tls-cert");
  options.tls_key = args.value("tls-key");
  options.threads = static_cast<size_t>(std::stoi(threads_text));

  // Signals are taken by a thread of their own; the server's threads never see them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  api::ApiServer server(options, [&service](const api::ApiRequest& r) { return service.handle(r); });
  ListenAddress bound;
  parse_listen_address(options.listen, bound);
  std::string address = std::string(server.tls() ? "https" : "http") + "://" + bound.host + ":" + std::to_string(server.port());
  log::info("api", "serving the REST API on " + address + "/api/v1 (database " + where.display + ")" +
                       (settings.signup ? "" : "; sign-up is off"));
  std::printf("listening %s\n", address.c_str());
  std::fflush(stdout);
  std::thread serving([&server] { server.run(); });
  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info("api", std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ": stopping");
  server.stop();
  serving.join();
  log::info("api", "stopped");
  return 0;
}

}  // namespace watchpost::cli
