// Alerting end to end: a real watchpost process, a scripted target and a webhook receiver on
// 127.0.0.1 — the exact sequence of notifications, once each, in order; a restart while an
// alert fires; a receiver that is down for a while.
#include "http_client.hpp"
#include "alerting_node.hpp"
#include "http_target.hpp"
#include "process.hpp"
#include "small_disk.hpp"
#include "wait.hpp"
#include "webhook.hpp"
#include "webhook_events.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

namespace {

std::vector<std::string> notifications(const HttpTarget& receiver) { return wt::webhook_events(receiver); }
using wt::join;

// The usual node of these tests: `path` on `site`, results as JSON lines into DIR/out.jsonl.
struct Alerter : wt::AlertingNode {
  Alerter(const HttpTarget& site, const HttpTarget& receiver, const std::string& path, const std::string& rules)
      : Alerter(site, wt::webhook_notifier(receiver.url("/hook")), path, rules) {}
  Alerter(const HttpTarget& site, const std::string& notifiers, const std::string& path, const std::string& rules)
      : wt::AlertingNode(setup(site.url(path), rules, notifiers)) {}
  static wt::AlertingNodeSetup setup(const std::string& url, const std::string& rules, const std::string& notifiers,
                                     const std::string& spool_dir = "") {
    wt::AlertingNodeSetup s;
    s.target_url = url;
    s.rules = rules;
    s.notifiers = notifiers;
    s.spool_dir = spool_dir;
    return s;
  }
};

}  // namespace

TEST(Alerting, AScriptedTargetGivesExactlyTheExpectedNotificationsInOrder) {
  HttpTarget site, receiver;
  // down ×3, up ×1, down ×2, up ×5, then up.
  Alerter a(site, receiver, "/script/DDDUDDUUUUU",
            "      - {name: quick, down: 2, up: 1}\n"
            "      - {name: steady, down: 3, up: 2, severity: warning}\n");
  const std::vector<std::string> expected = {"quick:firing",  "steady:firing", "quick:resolved",
                                             "quick:firing",  "quick:resolved", "steady:resolved"};
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= expected.size(); }, std::chrono::seconds(40)))
      << join(notifications(receiver));
  // A few more checks (all up): nothing more may come.
  uint64_t seen = site.requests_to("/script/DDDUDDUUUUU");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/script/DDDUDDUUUUU") >= seen + 3; }, std::chrono::seconds(20)));
  EXPECT_EQ(join(notifications(receiver)), join(expected));
  auto body = nlohmann::json::parse(receiver.received().at(0));
  auto& e = body["events"][0];
  EXPECT_EQ(body.value("version", 0), 1);
  EXPECT_EQ(e.value("alert_id", ""), "web/quick/site");
  EXPECT_EQ(e.value("target_id", ""), "site");
  EXPECT_EQ(e.value("node", ""), "alerter");
  EXPECT_EQ(e.value("severity", ""), "critical");
  EXPECT_NE(e.value("summary", "").find("site is down"), std::string::npos) << e.dump();
  EXPECT_NE(e.value("value", "").find("2 down in a row"), std::string::npos) << e.dump();
  EXPECT_TRUE(e["ended_at"].is_null());
  auto ended = a.stop();
  EXPECT_EQ(ended.exit_code, 0) << ended.err.substr(0, 2000);
  EXPECT_NE(ended.err.find("alert firing: site is down"), std::string::npos) << "each event is logged too";
}

TEST(Alerting, ARestartWhileAnAlertFiresNeitherRepeatsItNorLosesItsResolve) {
  HttpTarget site, receiver;
  site.set_switch(503);
  Alerter a(site, receiver, "/switch", "      - {name: down, down: 2, up: 1}\n");
  ASSERT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 1; }, std::chrono::seconds(30)));
  EXPECT_EQ(a.stop().exit_code, 0);
  a.start();
  // Checked again, still down, for three more slots: no second firing.
  uint64_t seen = site.requests_to("/switch");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/switch") >= seen + 3; }, std::chrono::seconds(30)));
  EXPECT_EQ(join(notifications(receiver)), "down:firing") << "the firing alert survived the restart unannounced";
  site.set_switch(200);
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(30)));
  EXPECT_EQ(join(notifications(receiver)), "down:firing down:resolved");
  auto ended = a.stop();
  EXPECT_NE(ended.err.find("1 alerts still firing from before the restart"), std::string::npos) << ended.err.substr(0, 3000);
}

TEST(Alerting, EventsAReceiverMissedArriveAfterwardsOnceEachInOrder) {
  HttpTarget site, receiver;
  receiver.set_hook_status(503);
  Alerter a(site, receiver, "/script/DDUUUU", "      - {name: quick, down: 2, up: 1}\n");
  // Both events happen while the receiver refuses (the script is done after its 4th check).
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/script/DDUUUU") >= 5; }, std::chrono::seconds(30)));
  EXPECT_TRUE(receiver.received().empty());
  receiver.set_hook_status(200);
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(40)));
  uint64_t seen = site.requests_to("/script/DDUUUU");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/script/DDUUUU") >= seen + 2; }, std::chrono::seconds(20)));
  EXPECT_EQ(join(notifications(receiver)), "quick:firing quick:resolved");
  auto ended = a.stop();
  EXPECT_NE(ended.err.find("cannot deliver (retrying with backoff)"), std::string::npos) << ended.err.substr(0, 3000);
  EXPECT_EQ(ended.err.find("/hook"), std::string::npos) << "the receiver is named by host and port only";
}

TEST(Alerting, TheWebhookSignatureIsHmacSha256OfTheBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(watchpost::notify::Webhook::signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

namespace {

// Debian's prometheus-alertmanager on a free loopback port, clustering off.
class RealAlertmanager {
 public:
  static constexpr const char* kBinary = "/usr/bin/prometheus-alertmanager";
  RealAlertmanager() : port_(wt::free_port()) {
    std::string dir = wt::temp_dir();
    wt::write_file(dir + "/am.yml", "route: {receiver: none, group_wait: 1s}\nreceivers: [{name: none}]\n");
    process_ = std::make_unique<wt::ChildProcess>(std::vector<std::string>{
        kBinary, "--config.file=" + dir + "/am.yml", "--storage.path=" + dir + "/data",
        "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--cluster.listen-address="});
  }
  ~RealAlertmanager() {
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds(10));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool ready() const { return wt::http_get(url() + "/-/ready").first == 200; }
  // The state ("active", ...) of the alert `alertname` for `target`, or "" when it has none.
  std::string state_of(const std::string& alertname, const std::string& target) const {
    auto [status, body] = wt::http_get(url() + "/api/v2/alerts");
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (status != 200 || !j.is_array()) return "";
    for (auto& a : j)
      if (a["labels"].value("alertname", "") == alertname && a["labels"].value("target_id", "") == target)
        return a["status"].value("state", "?");
    return "";
  }

 private:
  uint16_t port_;
  std::unique_ptr<wt::ChildProcess> process_;
};

}  // namespace

TEST(Alerting, ARealAlertmanagerShowsTheAlertWhileItFiresAndResolvesIt) {
  if (access(RealAlertmanager::kBinary, X_OK) != 0)
    GTEST_SKIP() << "prometheus-alertmanager is not installed (scripts/install-deps.sh installs it)";
  RealAlertmanager am;
  ASSERT_TRUE(wt::wait_until([&] { return am.ready(); }, std::chrono::seconds(30))) << "Alertmanager did not start";
  HttpTarget site;
  site.set_switch(503);
  // firing_ttl 6 s: without the reminders (every 2 s) Alertmanager would resolve it by itself.
  Alerter a(site, "  - {plugin: alertmanager, url: \"" + am.url() + "\", firing_ttl: 6s, timeout: 2s}\n", "/switch",
            "      - {name: SiteDown, down: 2, up: 1, remind_every: 2s}\n");
  EXPECT_TRUE(wt::wait_until([&] { return am.state_of("SiteDown", "site") == "active"; }, std::chrono::seconds(30)))
      << "the firing alert reaches Alertmanager's own API";
  auto fired = std::chrono::steady_clock::now();
  ASSERT_TRUE(wt::wait_until([&] { return std::chrono::steady_clock::now() >= fired + std::chrono::seconds(10); },
                             std::chrono::seconds(15)));
  EXPECT_EQ(am.state_of("SiteDown", "site"), "active") << "still active past firing_ttl: the reminders keep it";
  site.set_switch(200);
  EXPECT_TRUE(wt::wait_until([&] { return am.state_of("SiteDown", "site").empty(); }, std::chrono::seconds(30)))
      << "the resolve ends it in Alertmanager";
  EXPECT_EQ(a.stop().exit_code, 0);
}

TEST(Alerting, AWindowRuleFiresExactlyWhenTheCountOf5xxReachesItsThreshold) {
  HttpTarget site, receiver;
  // 503 at checks 2, 4 and 6, then up: the third 503 in the 10 s window fires it; the first one
  // leaving the window resolves it.
  const std::string path = "/script/UDUDUDUUUUUUUUUUUUUUUUUUUUUU";
  Alerter a(site, receiver, path,
            "      - {name: errors, when: window, window: 10s, threshold: 3, match_status: [5xx]}\n");
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(40)))
      << join(notifications(receiver));
  EXPECT_EQ(join(notifications(receiver)), "errors:firing errors:resolved");
  // The firing happened at the result that brought the count to 3: its slot is the alert's start.
  std::vector<std::string> slots_503;
  std::ifstream out(a.dir + "/out.jsonl");
  for (std::string line; std::getline(out, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("http_status", 0) == 503) slots_503.push_back(j.value("scheduled_at", ""));
  }
  ASSERT_GE(slots_503.size(), 3u);
  auto first = nlohmann::json::parse(receiver.received().at(0))["events"][0];
  // Results carry microseconds, events milliseconds.
  EXPECT_EQ(first.value("started_at", ""), slots_503[2].substr(0, 23) + "Z") << first.dump();
  EXPECT_NE(first.value("value", "").find("3 of"), std::string::npos) << first.dump();
  EXPECT_EQ(a.stop().exit_code, 0);
}

TEST(Alerting, ACertificateThatExpiresInThreeDaysFiresAWarning) {
  HttpTarget::Options tls;
  tls.tls = true;
  tls.valid_days = 3;
  HttpTarget site(tls), receiver;
  std::string dir = wt::temp_dir();
  wt::write_file(dir + "/ca.pem", site.certificate_pem());
  std::string config = dir + "/cert.yaml";
  wt::write_file(config, "notifiers:\n  - {plugin: webhook, url: \"" + receiver.url("/hook") + "\"}\n"
                         "pipelines:\n  - name: web\n    probe: {plugin: http, interval: 1s, ca_file: \"" + dir +
                             "/ca.pem\"}\n"
                         "    targets: [{id: shop, url: \"" + site.url("/") + "\"}]\n"
                         "    alerts:\n      - {name: cert-expiring, when: certificate, days: 14, severity: warning}\n"
                         "      - {name: cert-critical, when: certificate, days: 2, severity: critical}\n"
                         "    sinks: [{plugin: stdout, path: \"" + dir + "/out.txt\"}]\n");
  wt::ChildProcess run({WATCHPOST_BIN, "run", config, "--plugin-dir", WATCHPOST_PLUGIN_DIR});
  EXPECT_TRUE(wt::wait_until([&] { return !receiver.received().empty(); }, std::chrono::seconds(30)));
  uint64_t seen = site.requests();
  ASSERT_TRUE(wt::wait_until([&] { return site.requests() >= seen + 2; }, std::chrono::seconds(20)));
  EXPECT_EQ(join(notifications(receiver)), "cert-expiring:firing") << "14 days warns; 2 days does not yet";
  auto e = nlohmann::json::parse(receiver.received().at(0))["events"][0];
  EXPECT_EQ(e.value("severity", ""), "warning");
  EXPECT_NE(e.value("value", "").find("days left on the certificate"), std::string::npos) << e.dump();
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait().exit_code, 0);
}

TEST(Alerting, AReceiverThatRefusesForGoodIsLoggedAndNotAskedAgain) {
  HttpTarget site, receiver;
  receiver.set_hook_status(400);
  Alerter a(site, receiver, "/script/DDUUUUUU", "      - {name: quick, down: 2, up: 1}\n");
  ASSERT_TRUE(wt::wait_until([&] { return receiver.requests_to("/hook") >= 2; }, std::chrono::seconds(30)));
  receiver.set_hook_status(200);
  uint64_t seen = site.requests_to("/script/DDUUUUUU");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/script/DDUUUUUU") >= seen + 3; }, std::chrono::seconds(20)));
  EXPECT_TRUE(receiver.received().empty()) << "a 400 is a refusal for good: " << join(notifications(receiver));
  EXPECT_EQ(receiver.requests_to("/hook"), 2u) << "each event asked once, not retried";
  auto ended = a.stop();
  EXPECT_NE(ended.err.find("refused 1 events for good (dropped)"), std::string::npos) << ended.err.substr(0, 3000);
  EXPECT_NE(ended.err.find("answered HTTP 400"), std::string::npos);
}

TEST(Alerting, SlackAndPagerDutyGetTheirOwnPayloadsOnePerChange) {
  HttpTarget site, slack, pagerduty;
  Alerter a(site,
            "  - {plugin: slack, url: \"" + slack.url("/hook") + "\"}\n"
            "  - {plugin: pagerduty, routing_key: \"R0UT1NG\", url: \"" + pagerduty.url("/hook") + "\"}\n",
            "/script/DDUUUU", "      - {name: quick, down: 2, up: 1, severity: warning, remind_every: 1s}\n");
  EXPECT_TRUE(wt::wait_until([&] { return slack.received().size() >= 2 && pagerduty.received().size() >= 2; },
                             std::chrono::seconds(30)));
  uint64_t seen = site.requests_to("/script/DDUUUU");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/script/DDUUUU") >= seen + 2; }, std::chrono::seconds(20)));
  // Slack: a message per change, none for reminders.
  auto messages = slack.received();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(nlohmann::json::parse(messages[0]).value("text", "").find("*FIRING* [warning] site is down"), std::string::npos)
      << messages[0];
  EXPECT_NE(nlohmann::json::parse(messages[1]).value("text", "").find("*RESOLVED*"), std::string::npos) << messages[1];
  // PagerDuty: a trigger then a resolve with the same dedup_key.
  auto events = pagerduty.received();
  ASSERT_EQ(events.size(), 2u);
  auto trigger = nlohmann::json::parse(events[0]), resolve = nlohmann::json::parse(events[1]);
  EXPECT_EQ(trigger.value("event_action", ""), "trigger");
  EXPECT_EQ(trigger.value("routing_key", ""), "R0UT1NG");
  EXPECT_EQ(trigger["payload"].value("severity", ""), "warning");
  EXPECT_EQ(trigger["payload"].value("source", ""), "site");
  EXPECT_EQ(resolve.value("event_action", ""), "resolve");
  EXPECT_EQ(resolve.value("dedup_key", ""), trigger.value("dedup_key", "x"));
  auto ended = a.stop();
  EXPECT_EQ(ended.err.find("R0UT1NG"), std::string::npos) << "the routing key is a secret";
}

TEST(Alerting, EmailReachesARealSmtpServerAsOneMailPerChange) {
  const char* python = "/usr/bin/python3";
  if (wt::run_process({python, "-c", "import aiosmtpd"}).exit_code != 0)
    GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/install-deps.sh installs it)";
  std::string maildir = wt::temp_dir() + "/maildir";
  uint16_t port = wt::free_port();
  wt::ChildProcess smtp({python, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
                         "aiosmtpd.handlers.Mailbox", maildir});
  HttpTarget site;
  Alerter a(site,
            "  - {plugin: email, url: \"smtp://127.0.0.1:" + std::to_string(port) +
                "\", from: alerts@example.com, to: [ops@example.com], timeout: 5s}\n",
            "/script/DDUUUU", "      - {name: quick, down: 2, up: 1}\n");
  auto mails = [&] {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& f : std::filesystem::directory_iterator(maildir + "/new", ec)) out.push_back(wt::read_file(f.path()));
    return out;
  };
  EXPECT_TRUE(wt::wait_until([&] { return mails().size() >= 2; }, std::chrono::seconds(40)))
      << "the SMTP server (aiosmtpd) took the mails; log:\n" << a.process->err_so_far().substr(0, 2000);
  auto got = mails();
  std::string all;
  for (auto& m : got) all += m;
  EXPECT_EQ(got.size(), 2u);
  EXPECT_NE(all.find("Subject: [FIRING] site is down"), std::string::npos) << all.substr(0, 2000);
  EXPECT_NE(all.find("Subject: [RESOLVED] site recovered"), std::string::npos) << all.substr(0, 2000);
  EXPECT_NE(all.find("text/html"), std::string::npos);
  EXPECT_EQ(a.stop().exit_code, 0);
  smtp.signal(SIGTERM);
  smtp.wait(std::chrono::seconds(10));
}

TEST(Alerting, AKilledNodeDeliversWhatItOwedAfterItsRestartOnceEach) {
  HttpTarget site, receiver;
  receiver.set_hook_status(503);
  Alerter a(site, receiver, "/script/DDUUUU", "      - {name: quick, down: 2, up: 1}\n");
  std::string outbox = a.dir + "/spool/notifiers/ops.jsonl";
  auto lines = [&] {
    std::string text = wt::read_file(outbox);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  // Both events are owed (in the outbox, the receiver refusing) when the node is killed.
  ASSERT_TRUE(wt::wait_until([&] { return lines() >= 2; }, std::chrono::seconds(30)));
  a.process->signal(SIGKILL);
  a.process->wait(std::chrono::seconds(10));
  EXPECT_TRUE(receiver.received().empty());
  receiver.set_hook_status(200);
  a.start();
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(30)));
  uint64_t seen = site.requests_to("/script/DDUUUU");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/script/DDUUUU") >= seen + 2; }, std::chrono::seconds(20)));
  EXPECT_EQ(join(notifications(receiver)), "quick:firing quick:resolved");
  auto ended = a.stop();
  EXPECT_NE(ended.err.find("2 events from before the restart to deliver"), std::string::npos) << ended.err.substr(0, 3000);
}

TEST(Alerting, ASilentReceiverIsTimedOutNeverHoldsBackCheckingAndSecretsStayOutOfTheLog) {
  // A receiver that takes connections (the kernel's backlog) and never answers.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string silent = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  HttpTarget site;
  Alerter a(site,
            "  - {plugin: webhook, name: ops, url: \"http://hook-user:W3bh00k-Pass@" + silent +
                "/hook?token=T0ken-In-Query\", timeout: 1s}\n"
                "  - {plugin: email, name: mail, url: \"smtp://127.0.0.1:" + std::to_string(wt::free_port()) +
                "\", from: a@example.com, to: [b@example.com], username: u, password: Sm7p-Pass, timeout: 1s}\n",
            "/status/503", "      - {name: down, down: 1, up: 1}\n");
  std::string out = a.dir + "/out.jsonl";
  auto results = [&] {
    std::string text = wt::read_file(out);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  };
  ASSERT_TRUE(wt::wait_until([&] { return a.process->err_so_far().find("cannot deliver") != std::string::npos; },
                             std::chrono::seconds(20)));
  // Checking goes on, once a second, while both notifiers retry.
  size_t before = results();
  EXPECT_TRUE(wt::wait_until([&] { return results() >= before + 4; }, std::chrono::seconds(15)));
  auto ended = a.stop();
  ::close(fd);
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_NE(ended.err.find("\"notifier/ops\",\"msg\":\"cannot deliver (retrying with backoff)"), std::string::npos)
      << ended.err.substr(0, 3000);
  EXPECT_NE(ended.err.find("\"notifier/mail\",\"msg\":\"cannot deliver (retrying with backoff)"), std::string::npos)
      << ended.err.substr(0, 3000);
  for (const char* secret : {"W3bh00k-Pass", "hook-user", "T0ken-In-Query", "Sm7p-Pass"})
    EXPECT_EQ(ended.err.find(secret), std::string::npos) << secret << " reached the log";
  // And the outboxes kept the events for later (the URL is the plugin's, not in them).
  EXPECT_NE(wt::read_file(a.dir + "/spool/notifiers/ops.jsonl").find("\"state\":\"firing\""), std::string::npos);
}

TEST(Alerting, AFullDiskHoldsAlertsBackAndLosesNone) {
  wt::SmallDisk disk(4 << 20);
  if (!disk.mounted()) GTEST_SKIP() << disk.why_not();
  HttpTarget site, receiver;
  wt::AlertingNode a(Alerter::setup(site.url("/switch"), "      - {name: down, down: 2, up: 1}\n",
                                    wt::webhook_notifier(receiver.url("/hook")), disk.dir() + "/spool"));
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/switch") >= 2; }, std::chrono::seconds(20)));
  disk.fill();
  site.set_switch(503);
  // Down for several slots: the alert fires, but its event cannot be made durable: nothing is sent.
  uint64_t seen = site.requests_to("/switch");
  ASSERT_TRUE(wt::wait_until([&] { return site.requests_to("/switch") >= seen + 4; }, std::chrono::seconds(20)));
  EXPECT_TRUE(receiver.received().empty()) << "an event that is not on disk was sent";
  disk.free_filler();
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 1; }, std::chrono::seconds(40)))
      << a.process->err_so_far().substr(0, 3000);
  site.set_switch(200);
  EXPECT_TRUE(wt::wait_until([&] { return notifications(receiver).size() >= 2; }, std::chrono::seconds(30)));
  EXPECT_EQ(join(notifications(receiver)), "down:firing down:resolved");
  auto ended = a.stop();
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_NE(ended.err.find("No space left on device"), std::string::npos) << ended.err.substr(0, 3000);
}
