// The REST API (`watchpost serve`) against a real PostgreSQL, over HTTP on 127.0.0.1: the
// OpenAPI document matches the routes, every route but sign-up/login refuses a missing or bad
// token, users see only what is theirs, injection attempts change nothing, password guessing is
// slowed down, bad requests get a clear 4xx, and a target added through the API is checked
// within 2 s by a pipeline that follows the catalogue.
#include "api_service.hpp"
#include "catalog_entry.hpp"
#include "http_client.hpp"
#include "http_target.hpp"
#include "self_signed.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <nlohmann/json.hpp>
#include <openssl/hmac.h>
#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace wt = watchpost::testing;
using nlohmann::json;
using watchpost::target::HttpTarget;

namespace {

const std::string kSecret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const std::string kPassword = "correct horse battery staple";

std::string b64url(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t val = 0;  // only the low 14 bits matter; unsigned, so old bits shift out harmlessly
  int bits = -6;
  for (unsigned char c : in) {
    val = ((val << 8) + c) & 0x3FFFu;
    bits += 8;
    while (bits >= 0) {
      out.push_back(t[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(t[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

// A JWT made here, as an attacker (or a clock) would: any header, claims and key.
std::string jwt(const json& header, const json& claims, const std::string& key) {
  std::string signing = b64url(header.dump()) + "." + b64url(claims.dump());
  if (key.empty()) return signing + ".";
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(signing.data()),
       signing.size(), mac, &len);
  return signing + "." + b64url(std::string(reinterpret_cast<char*>(mac), len));
}

std::string enc(const std::string& text) {
  char* e = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string out(e);
  curl_free(e);
  return out;
}

int64_t now_s() { return static_cast<int64_t>(std::time(nullptr)); }

int64_t scalar(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work w(c);
  return w.exec(sql)[0][0].as<int64_t>();
}

// `watchpost serve` on a free port over `pg`.
class Serve {
 public:
  explicit Serve(const wt::PostgresServer& pg, std::vector<std::string> extra = {}) {
    ::setenv("WATCHPOST_API_SECRET", kSecret.c_str(), 1);
    std::vector<std::string> argv = {WATCHPOST_BIN, "serve", "--dsn", pg.dsn(), "--listen", "127.0.0.1:0",
                                     "--plugin-dir", WATCHPOST_PLUGIN_DIR};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<wt::ChildProcess>(argv);
    EXPECT_TRUE(wt::wait_until([&] { return process_->out_so_far().find("listening ") != std::string::npos; },
                               std::chrono::seconds(15)))
        << process_->err_so_far();
    std::string out = process_->out_so_far();
    size_t at = out.find("listening ") + 10;
    base_ = out.substr(at, out.find('\n', at) - at) + "/api/v1";
  }
  ~Serve() { stop(); }
  wt::ProcessResult stop() {
    if (stopped_) return result_;
    stopped_ = true;
    process_->signal(SIGTERM);
    result_ = process_->wait(std::chrono::seconds(20));
    return result_;
  }
  const std::string& base() const { return base_; }
  std::string log() { return process_->err_so_far(); }

  wt::HttpAnswer call(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& token = "") const {
    std::vector<std::string> headers;
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    return wt::http_request(method, base_ + path, body, headers);
  }
  json ok(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
          long expected = 200) const {
    auto a = call(method, path, body, token);
    EXPECT_EQ(a.status, expected) << method << " " << path << ": " << a.body;
    return a.body.empty() ? json() : json::parse(a.body, nullptr, false);
  }
  // Signs up (when `signup`) and logs in: the access token.
  std::string user(const std::string& email, bool signup = true) const {
    json creds = {{"email", email}, {"password", kPassword}};
    if (signup) ok("POST", "/auth/signup", creds.dump(), "", 201);
    return ok("POST", "/auth/login", creds.dump(), "").value("access_token", "");
  }

 private:
  std::unique_ptr<wt::ChildProcess> process_;
  std::string base_;
  bool stopped_ = false;
  wt::ProcessResult result_;
};

std::string target_body(const std::string& id, const std::string& url, json extra = json::object()) {
  json j = {{"id", id}, {"url", url}};
  j.update(extra);
  return j.dump();
}

std::string read_docs_openapi() {
  std::ifstream in(std::string(DOCS_DIR) + "/api/openapi.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(Api, EveryRouteOfTheServerIsInTheOpenApiDocumentAndTheOtherWayRound) {
  // The route table as the server builds it (no database is needed to list it).
  watchpost::api::DbPool db({"host=127.0.0.1 port=1", "nowhere"}, "watchpost", 1);
  watchpost::api::ApiService service(db, watchpost::api::AccessTokens(kSecret, 60), {}, [](auto&) { return ""; });
  std::set<std::string> served, documented;
  for (auto& r : service.router().routes()) {
    if (r.pattern.rfind("/api/", 0) != 0) continue;  // the web page's files (server/web)
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(c));
    served.insert(m + " " + r.pattern);
  }
  auto doc = json::parse(read_docs_openapi());
  EXPECT_EQ(doc.value("openapi", ""), "3.0.3");
  for (auto& [path, item] : doc["paths"].items())
    for (auto& [method, op] : item.items()) {
      documented.insert(method + " " + path);
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  EXPECT_EQ(served, documented);
  // Every $ref points at a schema the document has.
  std::string text = doc.dump();
  for (size_t at = 0; (at = text.find("#/components/schemas/", at)) != std::string::npos; ++at) {
    std::string name = text.substr(at + 21, text.find('"', at) - at - 21);
    EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
  }
}

TEST(Api, EveryRouteButSignupAndLoginRefusesAMissingOrBadTokenAndLeaksNothing) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string token = api.user("owner@example.com");
  api.ok("POST", "/targets", target_body("secret-site", "http://127.0.0.1:9/private-path"), token, 201);
  json made = api.ok("POST", "/tokens", R"({"name": "script"})", token, 201);
  std::string api_token = made.value("token", "");
  ASSERT_EQ(api_token.rfind("wp_", 0), 0u);
  EXPECT_EQ(api.call("GET", "/targets", "", api_token).status, 200) << "the API token works before it is revoked";
  api.ok("DELETE", "/tokens/" + std::to_string(made.value("id", 0)), "", token, 204);

  int64_t me = api.ok("GET", "/me", "", token).value("id", 0);
  json claims = {{"sub", std::to_string(me)}, {"role", "admin"}, {"iat", now_s() - 100}, {"exp", now_s() + 600}};
  json expired = claims;
  expired["exp"] = now_s() - 1;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"no token", ""},
      {"expired", jwt({{"alg", "HS256"}, {"typ", "JWT"}}, expired, kSecret)},
      {"another secret", jwt({{"alg", "HS256"}, {"typ", "JWT"}}, claims, "another-secret-of-the-same-length-abcdefgh")},
      {"alg none", jwt({{"alg", "none"}, {"typ", "JWT"}}, claims, "")},
      {"alg none, signed anyway", jwt({{"alg", "none"}}, claims, kSecret)},
      {"revoked API token", api_token},
      {"garbage", "not.a.token"},
  };
  // A control: the same claims signed properly are accepted (so each refusal is the token's fault).
  EXPECT_EQ(api.call("GET", "/me", "", jwt({{"alg", "HS256"}, {"typ", "JWT"}}, claims, kSecret)).status, 200);

  auto doc = json::parse(read_docs_openapi());
  size_t routes = 0;
  for (auto& [pattern, item] : doc["paths"].items()) {
    for (auto& [method, op] : item.items()) {
      if (op.contains("security") && op["security"].empty()) continue;  // public
      std::string path = pattern.substr(7);  // without /api/v1
      for (auto [from, to] : {std::pair<std::string, std::string>{"{id}", "secret-site"}, {"{token_id}", "1"}, {"{alert}", "1"}})
        if (auto at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(c));
      ++routes;
      for (auto& [what, t] : bad) {
        auto a = api.call(m, path, m == "POST" || m == "PATCH" ? R"({"name": "x", "url": "http://a/"})" : "", t);
        EXPECT_EQ(a.status, 401) << m << " " << path << " with " << what << ": " << a.body;
        EXPECT_EQ(a.body.find("secret-site"), std::string::npos) << m << " " << path << " with " << what;
        EXPECT_EQ(a.body.find("private-path"), std::string::npos) << m << " " << path << " with " << what;
      }
    }
  }
  EXPECT_GE(routes, 12u);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog"), 1) << "nothing was written";
}

TEST(Api, UsersSeeOnlyWhatIsTheirsAndAViewerCannotWrite) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string admin = api.user("admin@example.com");  // the first user
  std::string a = api.user("a@example.com"), b = api.user("b@example.com");
  EXPECT_EQ(api.ok("GET", "/me", "", a).value("role", ""), "member");
  EXPECT_EQ(api.ok("GET", "/me", "", admin).value("role", ""), "admin");
  api.ok("POST", "/targets", target_body("a-site", "http://127.0.0.1:9/a"), a, 201);
  api.ok("POST", "/targets", target_body("b-site", "http://127.0.0.1:9/b"), b, 201);
  {
    pqxx::connection c(pg.dsn());
    pqxx::work w(c);
    w.exec("INSERT INTO watchpost.alerts (pipeline, rule, target_id, severity, summary, value, started_at, last_slot) "
           "VALUES ('default', 'down', 'a-site', 'critical', 'a-site is down', '3 down', now(), now())");
    w.commit();
  }
  int64_t alert = scalar(pg.dsn(), "SELECT id FROM watchpost.alerts");

  // B cannot read, change or delete A's target, its stats or its alerts, by id or by listing.
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/targets/a-site"}, {"PATCH", "/targets/a-site"}, {"DELETE", "/targets/a-site"},
           {"GET", "/targets/a-site/stats"}, {"GET", "/targets/a-site/alerts"},
           {"POST", "/alerts/" + std::to_string(alert) + "/acknowledge"}}) {
    auto r = api.call(method, path, method == "PATCH" ? R"({"url": "http://evil/"})" : "", b);
    EXPECT_EQ(r.status, 404) << method << " " << path << ": " << r.body;
    EXPECT_EQ(r.body.find("127.0.0.1:9/a"), std::string::npos);
  }
  json listed = api.ok("GET", "/targets", "", b);
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0].value("id", ""), "b-site");
  EXPECT_EQ(api.ok("GET", "/alerts", "", b)["items"].size(), 0u);
  // A sees theirs; the admin sees all.
  EXPECT_EQ(api.ok("GET", "/alerts", "", a)["items"].size(), 1u);
  EXPECT_EQ(api.ok("GET", "/targets", "", admin).value("total", 0), 2);
  json acked = api.ok("POST", "/alerts/" + std::to_string(alert) + "/acknowledge", "", a);
  EXPECT_EQ(acked["acknowledged"].value("by", ""), "a@example.com");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog WHERE url = 'http://127.0.0.1:9/a'"), 1)
      << "A's target is unchanged";

  // A viewer (made by an operator) reads but cannot write.
  ::setenv("WATCHPOST_PASSWORD", kPassword.c_str(), 1);
  auto added = wt::run_process({WATCHPOST_BIN, "users", "add", "--dsn", pg.dsn(), "--email", "v@example.com", "--role", "viewer"});
  ::unsetenv("WATCHPOST_PASSWORD");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::string v = api.user("v@example.com", false);
  EXPECT_EQ(api.ok("GET", "/targets", "", v).value("total", -1), 0);
  auto refused = api.call("POST", "/targets", target_body("v-site", "http://127.0.0.1:9/v"), v);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("needs the member role"), std::string::npos) << refused.body;
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog"), 2);
}

TEST(Api, InjectionAttemptsAreStoredLiterallyOrRefusedAndNothingElseChanges) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string t = api.user("a@example.com");
  const std::string evil = "x'); DROP TABLE watchpost.users; --";
  const std::string evil2 = "' OR '1'='1";
  // In every string field: stored as text, read back the same (values the target's checks
  // refuse, such as a regex that does not compile, are refused with a 422 instead).
  const std::string evil_regex = "x'\\); DROP TABLE watchpost.users; --";
  const std::string evil_url = "http://127.0.0.1:9/?q=" + enc(evil2);
  json made = api.ok("POST", "/targets",
                     json{{"id", "inj-1"}, {"url", evil_url}, {"must_match", evil_regex},
                          {"labels", {{"team", evil}, {evil2, "v"}}}}.dump(),
                     t, 201);
  EXPECT_EQ(made.value("must_match", ""), evil_regex);
  EXPECT_EQ(made.value("url", ""), evil_url);
  EXPECT_EQ(made["labels"].value("team", ""), evil);
  EXPECT_EQ(api.call("POST", "/targets", json{{"url", "http://127.0.0.1:9/"}, {"must_match", evil}}.dump(), t).status, 422);
  // An id with a quote is refused or kept literally; either way nothing else happens.
  auto odd = api.call("POST", "/targets", target_body(evil2, "http://127.0.0.1:9/"), t);
  EXPECT_TRUE(odd.status == 201 || odd.status == 400) << odd.body;
  // In query parameters and path parts.
  for (std::string path : std::vector<std::string>{"/targets?label=team:" + enc(evil), "/targets?label=" + enc(evil2) + ":v",
                                                   "/targets?status=" + enc(evil), "/targets/" + enc(evil2),
                                                   "/targets/" + enc(evil2) + "/stats", "/alerts?state=" + enc(evil),
                                                   "/targets?limit=" + enc("1;DROP")}) {
    auto a = api.call("GET", path, "", t);
    EXPECT_TRUE(a.status == 200 || a.status == 400 || a.status == 404) << path << ": " << a.status << " " << a.body;
  }
  json by_label = api.ok("GET", "/targets?label=team:" + enc(evil), "", t);
  EXPECT_EQ(by_label.value("total", 0), 1) << "the label matched as text";
  // Logging in with an injection as the email is a plain wrong login.
  EXPECT_EQ(api.call("POST", "/auth/login", json{{"email", evil2}, {"password", evil2 + "xxxxxxxx"}}.dump()).status, 401);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.users"), 1) << "the users table is whole";
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog"), odd.status == 201 ? 2 : 1);
}

TEST(Api, WrongPasswordsAreSlowedDownAndTheRightOneWorksAfterTheWait) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  api.user("a@example.com");
  json wrong = {{"email", "a@example.com"}, {"password", "wrong password!"}};
  int unauthorized = 0, slowed = 0;
  std::string retry_after;
  for (int i = 0; i < 20; ++i) {
    auto a = api.call("POST", "/auth/login", wrong.dump());
    if (a.status == 401) ++unauthorized;
    if (a.status == 429) {
      ++slowed;
      auto at = a.headers.find("Retry-After: ");
      if (at != std::string::npos) retry_after = a.headers.substr(at + 13, a.headers.find('\r', at) - at - 13);
    }
  }
  EXPECT_EQ(unauthorized, 5) << "five tries are free, then each must wait";
  EXPECT_EQ(slowed, 15);
  EXPECT_FALSE(retry_after.empty());
  // Even the right password waits until Retry-After has passed...
  json right = {{"email", "a@example.com"}, {"password", kPassword}};
  EXPECT_EQ(api.call("POST", "/auth/login", right.dump()).status, 429);
  // ...and then works: not locked out for good.
  EXPECT_TRUE(wt::wait_until([&] { return api.call("POST", "/auth/login", right.dump()).status == 200; },
                             std::chrono::seconds(std::stoi(retry_after) + 5)));
  EXPECT_EQ(scalar(pg.dsn(), "SELECT failed_logins FROM watchpost.users"), 0) << "a success resets the count";
}

TEST(Api, BadRequestsGetAClear4xxNamingTheFieldAndOthersAreServedMeanwhile) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string t = api.user("a@example.com");
  // An idle attacker: a connection that sends half a header and waits.
  int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(api.base().substr(api.base().rfind(':') + 1))));
  ASSERT_EQ(::connect(idle, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string half = "POST /api/v1/targets HTTP/1.1\r\nHost: x\r\nContent-Le";
  ASSERT_EQ(::send(idle, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));

  auto big = api.call("POST", "/targets", "{\"url\": \"" + std::string(100 << 10, 'a') + "\"}", t);
  EXPECT_EQ(big.status, 413) << big.body.substr(0, 300);
  auto malformed = api.call("POST", "/targets", "{\"url\": ", t);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("not valid JSON"), std::string::npos) << malformed.body;
  EXPECT_NE(malformed.headers.find("application/problem+json"), std::string::npos) << malformed.headers;
  for (auto [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"url": 5})", "url"}, {R"({"url": "http://a/", "attempts": "3"})", "attempts"},
           {R"({"url": "http://a/", "interval": "soon"})", "interval"}, {R"({"url": "http://a/", "labels": [1]})", "labels"},
           {R"({"url": "http://a/", "colour": "red"})", "colour"}, {"[1, 2]", ""}}) {
    auto a = api.call("POST", "/targets", body, t);
    EXPECT_EQ(a.status, 400) << body << ": " << a.body;
    auto j = json::parse(a.body, nullptr, false);
    if (!field.empty()) EXPECT_EQ(j.value("field", ""), field) << a.body;
  }
  auto wrong_type = wt::http_request("POST", api.base() + "/targets", "url=x", {"Authorization: Bearer " + t,
                                                                                 "Content-Type: text/plain"});
  EXPECT_EQ(wrong_type.status, 415);
  auto invalid = api.call("POST", "/targets", target_body("bad", "gopher://x"), t);
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  // All of that while the idle connection is still open: the server kept serving.
  EXPECT_EQ(api.call("GET", "/targets", "", t).status, 200);
  ::close(idle);
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.target_catalog"), 0);
}

TEST(Api, ATargetAddedThroughTheApiIsCheckedWithinTwoSecondsAndItsStatsAreTheReports) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  Serve api(pg);
  std::string t = api.user("a@example.com");
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/catalog.yaml",
                 "pipelines:\n  - name: default\n    probe: {plugin: http, interval: 1s, timeout: 800ms}\n"
                 "    targets: {plugin: pg_targets, dsn: \"" + pg.dsn() + "\"}\n"
                 "    sinks: [{plugin: pg_sink, dsn: \"" + pg.dsn() + "\", batch_delay: 50ms}]\n");
  wt::ChildProcess node({WATCHPOST_BIN, "run", dir + "/catalog.yaml", "--plugin-dir", WATCHPOST_PLUGIN_DIR});
  // The node has started and follows the (empty) catalogue.
  ASSERT_TRUE(wt::wait_until([&] { return node.err_so_far().find("started") != std::string::npos; }, std::chrono::seconds(15)))
      << node.err_so_far();
  auto added_at = std::chrono::steady_clock::now();
  api.ok("POST", "/targets", target_body("shop", site.url("/"), {{"interval", "1s"}}), t, 201);
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/") >= 1; }, std::chrono::seconds(5)));
  EXPECT_LE(std::chrono::steady_clock::now() - added_at, std::chrono::milliseconds(2000 + 1000))
      << "checked within 2 s of being added (plus its 1 s slot)";
  ASSERT_TRUE(wt::wait_until([&] {
    return api.ok("GET", "/targets/shop", "", t).value("state", "") == "up" && site.requests_to("/") >= 4;
  }, std::chrono::seconds(15)));
  node.signal(SIGTERM);
  node.wait(std::chrono::seconds(20));
  json stats = api.ok("GET", "/targets/shop/stats?since=1h&step=1m", "", t);
  auto report = wt::run_process({WATCHPOST_BIN, "report", "--dsn", pg.dsn(), "--since", "1h", "--target", "shop", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto r = json::parse(report.out)["targets"][0];
  EXPECT_EQ(stats.value("checks", -1), r.value("checks", -2)) << stats.dump() << "\n" << report.out;
  EXPECT_EQ(stats.value("up", -1), r.value("up", -2));
  EXPECT_EQ(stats["uptime_percent"], r["uptime_percent"]);
  EXPECT_EQ(stats["latency_ms"]["p95"], r["latency_ms"]["p95"]);
  json listed = api.ok("GET", "/targets?uptime=true", "", t);
  EXPECT_EQ(listed["items"][0]["uptime_percent"]["24h"], r["uptime_percent"]) << "the list's uptime is the report's";
  EXPECT_EQ(api.call("GET", "/targets?uptime=maybe", "", t).status, 400);
  int64_t in_series = 0;
  for (auto& s : stats["series"]) in_series += s.value("checks", 0);
  EXPECT_EQ(in_series, stats.value("checks", -1)) << "the series adds up to the window";
}

TEST(Api, PasswordsHashesAndTokensNeverReachAResponseOrTheLog) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string t = api.user("a@example.com");
  std::string everything;
  for (auto path : {"/me", "/tokens", "/targets"}) everything += api.call("GET", path, "", t).body;
  json made = api.ok("POST", "/tokens", R"({"name": "ci"})", t, 201);
  std::string token = made.value("token", "");
  everything += api.call("GET", "/tokens", "", t).body;
  EXPECT_EQ(everything.find(kPassword), std::string::npos);
  EXPECT_EQ(everything.find("$argon2id"), std::string::npos);
  EXPECT_EQ(everything.find(token), std::string::npos) << "the token is shown once, when made";
  EXPECT_EQ(everything.find("token_sha256"), std::string::npos);
  std::string stored = scalar(pg.dsn(), "SELECT count(*) FROM watchpost.users WHERE password_hash LIKE '$argon2id$%'") == 1
                           ? "argon2id"
                           : "";
  EXPECT_EQ(stored, "argon2id");
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.api_tokens WHERE token_sha256 = " +
                                 pqxx::connection(pg.dsn()).quote(token)), 0) << "the token itself is not stored";
  auto ended = api.stop();
  for (const std::string& secret : {kPassword, token, std::string("$argon2id"), kSecret, std::string(wt::PostgresServer::kPassword)})
    EXPECT_EQ(ended.err.find(secret), std::string::npos) << secret << " reached the log";
}

TEST(Api, ServesHttpsWithTheCertificateGiven) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  auto pair = watchpost::target::make_self_signed(30);
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/cert.pem", pair.cert_pem);
  wt::write_file(dir + "/key.pem", pair.key_pem);
  Serve api(pg, {"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
  ASSERT_EQ(api.base().rfind("https://127.0.0.1:", 0), 0u) << api.base();
  auto health = wt::http_get(api.base() + "/health", {}, 5000, dir + "/cert.pem");
  EXPECT_EQ(health.first, 200) << health.second;
  std::string plain = api.base();
  plain.replace(0, 5, "http");
  EXPECT_NE(wt::http_get(plain + "/health").first, 200) << "no plain HTTP on the HTTPS port";

  auto me = wt::http_get(api.base() + "/me", {}, 5000, dir + "/cert.pem");
  EXPECT_EQ(me.first, 401) << "the same API behind TLS: " << me.second;
}

TEST(Api, ListsPageAndFilterByLabelAndStateAndOneAddressGuessingManyAccountsIsSlowedToo) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string t = api.user("a@example.com");
  for (int i = 0; i < 7; ++i)
    api.ok("POST", "/targets",
           target_body("site-" + std::to_string(i), "http://127.0.0.1:9/" + std::to_string(i),
                       {{"labels", {{"team", i % 2 ? "web" : "db"}}}, {"enabled", i != 6}}),
           t, 201);
  json page = api.ok("GET", "/targets?limit=3&offset=3", "", t);
  EXPECT_EQ(page.value("total", 0), 7);
  ASSERT_EQ(page["items"].size(), 3u);
  EXPECT_EQ(page["items"][0].value("id", ""), "site-3") << "ordered by id";
  EXPECT_EQ(api.ok("GET", "/targets?label=team:web", "", t).value("total", 0), 3);
  EXPECT_EQ(api.ok("GET", "/targets?status=paused", "", t).value("total", 0), 1);
  EXPECT_EQ(api.ok("GET", "/targets?status=unchecked", "", t).value("total", 0), 6);
  EXPECT_EQ(api.call("GET", "/targets?limit=0x10", "", t).status, 400);
  json patched = api.ok("PATCH", "/targets/site-6", R"({"enabled": true, "interval": "45s"})", t);
  EXPECT_EQ(patched.value("state", ""), "unchecked");
  EXPECT_EQ(patched.value("interval", ""), "45s");
  api.ok("DELETE", "/targets/site-6", "", t, 204);
  EXPECT_EQ(api.call("GET", "/targets/site-6", "", t).status, 404);

  // One address trying many accounts: after 20 failures it waits too, whatever the account.
  std::vector<long> answers;
  for (int i = 0; i < 22; ++i) {
    json wrong = {{"email", "nobody" + std::to_string(i) + "@example.com"}, {"password", "wrong password!"}};
    answers.push_back(api.call("POST", "/auth/login", wrong.dump()).status);
  }
  EXPECT_EQ(std::count(answers.begin(), answers.begin() + 20, 401), 20) << "20 free failures from one address";
  EXPECT_EQ(answers[20], 429) << "then each waits, whatever the account";
  EXPECT_EQ(answers[21], 429);
}

TEST(Api, TwoInstancesWithOneSecretServeAsOneAndSignupCanBeOff) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve first(pg), second(pg, {"--no-signup"});
  std::string t = first.user("a@example.com");
  // A token from one instance is good at the other (nothing is kept in a process).
  EXPECT_EQ(second.ok("GET", "/me", "", t).value("email", ""), "a@example.com");
  second.ok("POST", "/targets", target_body("shop", "http://127.0.0.1:9/"), t, 201);
  EXPECT_EQ(first.ok("GET", "/targets/shop", "", t).value("id", ""), "shop");
  auto refused = second.call("POST", "/auth/signup", json{{"email", "b@example.com"}, {"password", kPassword}}.dump());
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("watchpost users add"), std::string::npos) << refused.body;
  EXPECT_EQ(scalar(pg.dsn(), "SELECT count(*) FROM watchpost.users"), 1);
}

TEST(Api, StartsWhilePostgresIsDownAnswers503AndRecoversWithoutARestart) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  pg.stop();
  Serve api(pg);
  auto down = api.call("POST", "/auth/login", json{{"email", "a@example.com"}, {"password", kPassword}}.dump());
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.headers.find("Retry-After"), std::string::npos) << down.headers;
  EXPECT_EQ(down.body.find(wt::PostgresServer::kPassword), std::string::npos) << "no DSN password in the answer";
  EXPECT_EQ(api.call("GET", "/health").status, 200) << "the process itself is fine";
  pg.start();
  EXPECT_TRUE(wt::wait_until([&] {
    return api.call("POST", "/auth/signup", json{{"email", "a@example.com"}, {"password", kPassword}}.dump()).status == 201;
  }, std::chrono::seconds(20)));
  EXPECT_FALSE(api.user("a@example.com", false).empty());
  auto ended = api.stop();
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_EQ(ended.err.find(wt::PostgresServer::kPassword), std::string::npos) << "no DSN password in the log";
}

TEST(Api, APublicStatusPageShowsChosenTargetsToAnyoneAndLeaksNothingPrivate) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string admin = api.user("admin@example.com"), member = api.user("m@example.com");
  api.ok("POST", "/targets", target_body("shop", "http://user:S3cret@internal-db.corp:8080/health?token=T0k"), admin, 201);
  api.ok("POST", "/targets", target_body("hidden", "http://127.0.0.1:9/"), admin, 201);
  {
    pqxx::connection c(pg.dsn());
    pqxx::work w(c);  // a day of results: 3 up, 1 down with an error that names an internal host
    w.exec("CREATE TABLE watchpost.check_results_now PARTITION OF watchpost.check_results "
           "FOR VALUES FROM (now() - interval '2 days') TO (now() + interval '1 day')");
    for (int i = 0; i < 4; ++i)
      w.exec("INSERT INTO watchpost.check_results (result_id, pipeline, target_id, url, node, scheduled_at, started_at, "
             "outcome, error_kind, error_message) VALUES ('01J000000000000000000000" + std::to_string(10 + i) +
             "', 'default', 'shop', 'http://x/', 'n1', now() - interval '" + std::to_string(i + 1) + " hours', now(), '" +
             (i == 0 ? "down', 'connect', 'connect to internal-db.corp (10.0.0.7) refused'" : "up', NULL, NULL") + ")");
    w.exec("INSERT INTO watchpost.targets (pipeline, target_id, url, node, outcome, error_message, last_checked_at, last_result_id) "
           "VALUES ('default', 'shop', 'http://x/', 'n1', 'down', 'connect to internal-db.corp (10.0.0.7) refused', now(), "
           "'01J00000000000000000000010')");
    w.commit();
  }
  // The owner reads the URL back without its secrets too.
  std::string own = api.call("GET", "/targets/shop", "", admin).body;
  EXPECT_NE(own.find("internal-db.corp:8080/health"), std::string::npos) << own;
  EXPECT_EQ(own.find("S3cret"), std::string::npos) << own;
  EXPECT_EQ(own.find("T0k"), std::string::npos) << own;
  std::string page = R"({"title": "Shop status", "targets": [{"id": "shop", "label": "Web shop"}]})";
  EXPECT_EQ(api.call("PUT", "/status-pages/shop", page, member).status, 403) << "only an admin makes pages";
  api.ok("PUT", "/status-pages/shop", page, admin, 201);
  EXPECT_EQ(api.call("PUT", "/status-pages/Bad_Slug", page, admin).status, 400);
  EXPECT_EQ(api.call("PUT", "/status-pages/x", R"({"title": "x", "targets": [{"id": "nope"}]})", admin).status, 400);

  // Anyone, without a token.
  auto seen = api.call("GET", "/public/status-pages/shop");
  ASSERT_EQ(seen.status, 200) << seen.body;
  json j = json::parse(seen.body);
  EXPECT_EQ(j.value("title", ""), "Shop status");
  EXPECT_EQ(j.value("overall", ""), "down");
  ASSERT_EQ(j["targets"].size(), 1u) << "only the targets chosen";
  EXPECT_EQ(j["targets"][0].value("name", ""), "Web shop");
  EXPECT_EQ(j["targets"][0].value("state", ""), "down");
  EXPECT_DOUBLE_EQ(j["targets"][0]["uptime_percent"].value("24h", -1.0), 75.0);
  int64_t in_bars = 0;  // the four checks may fall on one day or two (UTC midnight)
  for (auto& day : j["targets"][0]["days"]) in_bars += day.value("up", 0) + day.value("down", 0);
  EXPECT_EQ(in_bars, 4);
  for (const char* secret : {"internal-db", "10.0.0.7", "S3cret", "T0k", "http://", "hidden", "admin@example.com", "\"shop\""})
    EXPECT_EQ(seen.body.find(secret), std::string::npos) << secret << " is on the public page: " << seen.body;
  EXPECT_EQ(api.call("GET", "/public/status-pages/none").status, 404);

  // Showing URLs is a choice, and even then their secrets stay hidden.
  api.ok("PUT", "/status-pages/shop", R"({"title": "Shop", "show_urls": true, "targets": [{"id": "shop"}]})", admin, 200);
  auto with_urls = api.call("GET", "/public/status-pages/shop").body;
  EXPECT_NE(with_urls.find("internal-db.corp:8080/health"), std::string::npos) << with_urls;
  EXPECT_EQ(with_urls.find("S3cret"), std::string::npos) << with_urls;
  EXPECT_EQ(with_urls.find("T0k"), std::string::npos) << with_urls;
  EXPECT_EQ(api.ok("GET", "/status-pages", "", admin)["items"].size(), 1u);
  api.ok("DELETE", "/status-pages/shop", "", admin, 204);
  EXPECT_EQ(api.call("GET", "/public/status-pages/shop").status, 404);
}

// Planned work is not an outage: a target whose latest check fell in a maintenance window is
// `maintenance` on the public page (whatever the check found), the page says so rather than
// "down", and a day of only such checks counts them apart. Once the window is over and the
// target is still down, the page shows it down again.
TEST(Api, AStatusPageShowsPlannedMaintenanceAsMaintenanceNotAsAnOutage) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string admin = api.user("admin@example.com");
  api.ok("POST", "/targets", target_body("db", "http://127.0.0.1:9/"), admin, 201);
  api.ok("POST", "/targets", target_body("web", "http://127.0.0.1:9/"), admin, 201);
  pqxx::connection c(pg.dsn());
  {
    pqxx::work w(c);  // db: two down checks, both inside a window; web: one up check
    w.exec("CREATE TABLE watchpost.check_results_now PARTITION OF watchpost.check_results "
           "FOR VALUES FROM (now() - interval '2 days') TO (now() + interval '1 day')");
    for (int i = 0; i < 3; ++i)
      w.exec("INSERT INTO watchpost.check_results (result_id, pipeline, target_id, url, node, scheduled_at, started_at, "
             "outcome, in_maintenance) VALUES ('01J000000000000000000000" + std::to_string(20 + i) + "', 'default', '" +
             (i < 2 ? "db', 'http://x/', 'n1', now() - interval '" + std::to_string(i + 1) + " minutes', now(), 'down', true"
                    : "web', 'http://x/', 'n1', now() - interval '1 minute', now(), 'up', false") + ")");
    w.exec("INSERT INTO watchpost.targets (pipeline, target_id, url, node, outcome, last_checked_at, last_result_id, "
           "in_maintenance) VALUES ('default', 'db', 'http://x/', 'n1', 'down', now(), '01J00000000000000000000020', true), "
           "('default', 'web', 'http://x/', 'n1', 'up', now(), '01J00000000000000000000022', false)");
    w.commit();
  }
  api.ok("PUT", "/status-pages/ops", R"({"title": "Ops", "targets": [{"id": "db"}, {"id": "web"}]})", admin, 201);
  json j = api.ok("GET", "/public/status-pages/ops", "", "");
  EXPECT_EQ(j.value("overall", ""), "maintenance") << j.dump();
  ASSERT_EQ(j["targets"].size(), 2u);
  json db = j["targets"][0], web = j["targets"][1];
  EXPECT_EQ(db.value("state", ""), "maintenance") << "a down check inside a window is not an outage";
  EXPECT_EQ(web.value("state", ""), "up");
  EXPECT_TRUE(db["uptime_percent"]["24h"].is_null()) << "checks in a window count in no uptime: " << db.dump();
  int64_t up = 0, down = 0, maintenance = 0;
  for (auto& day : db["days"]) {
    up += day.value("up", 0);
    down += day.value("down", 0);
    maintenance += day.value("maintenance", 0);
  }
  EXPECT_EQ(up + down, 0);
  EXPECT_EQ(maintenance, 2);

  {
    pqxx::work w(c);  // the window is over and db is still down
    w.exec("UPDATE watchpost.targets SET in_maintenance = false WHERE target_id = 'db'");
    w.commit();
  }
  j = api.ok("GET", "/public/status-pages/ops", "", "");
  EXPECT_EQ(j["targets"][0].value("state", ""), "down");
  EXPECT_EQ(j.value("overall", ""), "degraded") << "one of two down";
}

// Maintenance windows through the API: checked like a file's (field named), a member's choose
// among their own targets only and are seen and removed by them alone; an admin's choose all.
TEST(Api, MaintenanceWindowsAreCheckedOwnedAndReachOnlyTheirOwnersTargets) {
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  Serve api(pg);
  std::string admin = api.user("admin@example.com");
  std::string a = api.user("a@example.com"), b = api.user("b@example.com");
  api.ok("POST", "/targets", target_body("a-site", "http://127.0.0.1:9/a"), a, 201);
  api.ok("POST", "/targets", target_body("b-site", "http://127.0.0.1:9/b"), b, 201);

  auto bad = api.call("POST", "/maintenance", R"({"name": "w", "schedule": "0 2 * * FUNDAY", "duration": "1h"})", a);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(json::parse(bad.body).value("field", ""), "schedule") << bad.body;
  auto typo = api.call("POST", "/maintenance", R"({"name": "w", "shedule": "@daily", "duration": "1h"})", a);
  EXPECT_EQ(typo.status, 400) << typo.body;

  // A's window names no targets: it chooses every target of A's, and none of B's.
  json made = api.ok("POST", "/maintenance",
                     R"({"name": "a-nightly", "schedule": "* * * * *", "duration": "1h", "timezone": "Europe/Berlin"})",
                     a, 201);
  EXPECT_TRUE(made.value("open", false)) << made.dump();
  EXPECT_EQ(api.call("POST", "/maintenance", R"({"name": "a-nightly", "start": "2030-01-01T00:00:00Z", "duration": "1h"})", b)
                .status,
            409);
  pqxx::connection c(pg.dsn());
  auto a_site = watchpost::pg::get_entry(c, "watchpost", "a-site");
  auto b_site = watchpost::pg::get_entry(c, "watchpost", "b-site");
  ASSERT_TRUE(a_site && b_site);
  EXPECT_NE(a_site->maintenance_json.find("a-nightly"), std::string::npos) << a_site->maintenance_json;
  EXPECT_EQ(b_site->maintenance_json, "") << "another user's window never reaches B's targets";
  EXPECT_EQ(api.ok("GET", "/targets/a-site", "", a)["maintenance_windows"], json::array({"a-nightly"}));
  EXPECT_EQ(api.ok("GET", "/targets/b-site", "", b)["maintenance_windows"], json::array());

  EXPECT_EQ(api.ok("GET", "/maintenance", "", a)["items"].size(), 1u);
  EXPECT_EQ(api.ok("GET", "/maintenance", "", b)["items"].size(), 0u) << "B does not see A's window";
  EXPECT_EQ(api.call("DELETE", "/maintenance/a-nightly", "", b).status, 404) << "nor remove it";

  // The admin's window chooses among everyone's targets.
  api.ok("POST", "/maintenance", R"({"name": "all-b", "start": "2030-01-01 00:00", "end": "2030-01-01 02:00", "targets": ["b-site"]})",
         admin, 201);
  b_site = watchpost::pg::get_entry(c, "watchpost", "b-site");
  EXPECT_NE(b_site->maintenance_json.find("all-b"), std::string::npos) << b_site->maintenance_json;
  json listed = api.ok("GET", "/maintenance", "", admin);
  ASSERT_EQ(listed["items"].size(), 2u);
  EXPECT_EQ(listed["items"][1].value("opens_at", int64_t{0}), 1893456000) << listed.dump();  // by name: all-b second
  api.ok("DELETE", "/maintenance/a-nightly", "", a, 204);
  EXPECT_EQ(api.ok("GET", "/maintenance", "", a)["items"].size(), 0u);
}
