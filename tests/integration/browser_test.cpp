// The web page in a real browser: Debian's chromium, headless, driven by selenium
// (tests/browser/drive_dashboard.py) against `watchpost serve` and a node that checks the
// catalogue, over a real PostgreSQL. Screenshots are kept in the build tree's
// test-artifacts/browser/.
#include "http_target.hpp"
#include "postgres_server.hpp"
#include "process.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>

namespace wt = watchpost::testing;
using watchpost::target::HttpTarget;

TEST(Browser, SignInAddATargetSeeItUpThenDownAndThePublicPageShowsTheSameWithoutSigningIn) {
  for (const char* need : {"/usr/bin/chromium", "/usr/bin/chromedriver"})
    if (!std::filesystem::exists(need)) GTEST_SKIP() << need << " is not installed (scripts/install-deps.sh installs chromium and chromium-driver)";
  if (wt::run_process({"/usr/bin/python3", "-c", "import selenium"}).exit_code != 0)
    GTEST_SKIP() << "python3-selenium is not installed (scripts/install-deps.sh installs it)";
  SKIP_WITHOUT_POSTGRES();
  wt::PostgresServer pg;
  HttpTarget site;
  site.set_switch(200);
  std::string dir = wt::temp_dir();
  ::setenv("WATCHPOST_API_SECRET", "browser-test-secret-0123456789-abcdefghijklmnop", 1);
  wt::ChildProcess serve({WATCHPOST_BIN, "serve", "--dsn", pg.dsn(), "--listen", "127.0.0.1:0", "--plugin-dir",
                          WATCHPOST_PLUGIN_DIR});
  ASSERT_TRUE(wt::wait_until([&] { return serve.out_so_far().find("listening ") != std::string::npos; },
                             std::chrono::seconds(15))) << serve.err_so_far();
  std::string out = serve.out_so_far();
  std::string base = out.substr(out.find("listening ") + 10, out.find('\n', out.find("listening ")) - out.find("listening ") - 10);
  wt::write_file(dir + "/node.yaml",
                 "pipelines:\n  - name: default\n    probe: {plugin: http, interval: 1s, timeout: 800ms}\n"
                 "    targets: {plugin: pg_targets, dsn: \"" + pg.dsn() + "\"}\n"
                 "    sinks: [{plugin: pg_sink, dsn: \"" + pg.dsn() + "\", batch_delay: 50ms}]\n");
  wt::ChildProcess node({WATCHPOST_BIN, "run", dir + "/node.yaml", "--plugin-dir", WATCHPOST_PLUGIN_DIR});

  std::string shots = std::string(ARTIFACTS_DIR) + "/browser";
  std::filesystem::create_directories(shots);
  for (const char* f : {"/dashboard.png", "/status-page.png"}) std::filesystem::remove(shots + f);
  wt::ChildProcess browser({"/usr/bin/python3", std::string(TESTS_DIR) + "/browser/drive_dashboard.py", base,
                            site.url("/switch"), shots});
  ASSERT_TRUE(wt::wait_until([&] { return browser.out_so_far().find("UP-SEEN") != std::string::npos; },
                             std::chrono::seconds(60)))
      << browser.out_so_far() << browser.err_so_far().substr(0, 3000) << node.err_so_far().substr(0, 2000);
  site.set_switch(503);  // the site fails: the page must show it without a reload
  auto driven = browser.wait(std::chrono::seconds(90));
  EXPECT_EQ(driven.exit_code, 0) << driven.out << driven.err.substr(0, 4000);
  EXPECT_NE(driven.out.find("DONE"), std::string::npos) << driven.out;
  for (const char* f : {"/dashboard.png", "/status-page.png"}) {
    std::string png = wt::read_file(shots + f);
    EXPECT_GT(png.size(), 5000u) << f;
    EXPECT_EQ(png.substr(1, 3), "PNG") << f;
  }
  node.signal(SIGTERM);
  node.wait(std::chrono::seconds(20));
  serve.signal(SIGTERM);
  serve.wait(std::chrono::seconds(20));
}
