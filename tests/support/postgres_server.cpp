#include "postgres_server.hpp"

#include "process.hpp"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

namespace watchpost::testing {
namespace {

std::string find_bindir() {
  namespace fs = std::filesystem;
  std::string best;
  std::error_code ec;
  for (auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = e.path().string() + "/bin";
    if (fs::exists(bin + "/initdb") && fs::exists(bin + "/pg_ctl") && bin > best) best = bin;
  }
  return best;
}

uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// As root, commands run as the postgres user.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}

void run(const std::vector<std::string>& argv, const char* what) {
  auto r = run_process(as_server_user(argv), std::chrono::seconds(120));
  if (r.exit_code != 0) throw std::runtime_error(std::string(what) + " failed: " + r.out + r.err);
}

}  // namespace

std::string PostgresServer::unavailable_reason() {
  if (find_bindir().empty()) return "PostgreSQL server binaries not found under /usr/lib/postgresql (install postgresql)";
  if (geteuid() == 0 && !getpwnam("postgres")) return "running as root but there is no 'postgres' user to run the server";
  return {};
}

PostgresServer::PostgresServer() : bindir_(find_bindir()), dir_(temp_dir()), port_(free_port()) {
  if (bindir_.empty()) throw std::runtime_error(unavailable_reason());
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (!pw) throw std::runtime_error(unavailable_reason());
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown of the test folder failed");
  }
  write_file(dir_ + "/pw", kPassword);
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    (void)!chown((dir_ + "/pw").c_str(), pw->pw_uid, pw->pw_gid);
  }
  run({bindir_ + "/initdb", "-D", dir_ + "/data", "-U", kUser, "--pwfile=" + dir_ + "/pw", "-A", "scram-sha-256",
       "--no-sync", "-E", "UTF8", "--locale=C"},
      "initdb");
  // The port was free when picked, but initdb takes a second, and a test running beside this
  // one may have taken it meanwhile (a listener, or an outgoing connection's source port):
  // pick another and try again.
  for (int attempt = 1;; ++attempt) {
    try {
      start();
      break;
    } catch (const std::exception&) {
      if (attempt == 5) throw;
      port_ = free_port();
    }
  }
}

PostgresServer::~PostgresServer() {
  try {
    stop();
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PostgresServer::start() {
  if (running_) return;
  run({bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
       "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -c unix_socket_directories=" + dir_ +
           " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
       "start"},
      "pg_ctl start");
  running_ = true;
}

void PostgresServer::stop() {
  if (!running_) return;
  run({bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"}, "pg_ctl stop");
  running_ = false;
}

std::string PostgresServer::dsn(const std::string& password) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + kUser + " password=" + password +
         " dbname=postgres";
}

}  // namespace watchpost::testing
