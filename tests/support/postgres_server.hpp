// A real PostgreSQL server for tests: Debian's initdb/pg_ctl in a temporary folder, on a free
// 127.0.0.1 port, password authentication on, stopped (and removed) by the destructor — also
// when the test failed. Runs the server as the `postgres` system user when the tests run as
// root, since PostgreSQL refuses to run as root.
#pragma once

#include <cstdint>
#include <string>

namespace watchpost::testing {

class PostgresServer {
 public:
  // Empty when the server binaries are installed; otherwise why the tests must skip.
  static std::string unavailable_reason();

  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void stop();
  void start();
  uint16_t port() const { return port_; }
  static constexpr const char* kUser = "watchpost";
  static constexpr const char* kPassword = "test-password";
  std::string dsn(const std::string& password = kPassword) const;

 private:
  std::string bindir_;
  std::string dir_;
  uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace watchpost::testing

// First line of a test that needs PostgreSQL: skips, saying why, when it is not installed.
#define SKIP_WITHOUT_POSTGRES()                                                                      \
  if (auto why = ::watchpost::testing::PostgresServer::unavailable_reason(); !why.empty()) GTEST_SKIP() \
      << why
