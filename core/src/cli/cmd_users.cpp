// watchpost users: the REST API's accounts, for operators (an admin made here needs no
// sign-up, which can then stay off).
#include "args.hpp"
#include "auth/passwords.hpp"
#include "commands.hpp"
#include "database.hpp"
#include "plugins/host.hpp"
#include "store/accounts.hpp"

#include "connection_options.hpp"

#include <watchpost/plugin.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace watchpost::cli {

int cmd_users(int argc, char** argv) {
  auto valued = common_valued();
  valued.insert(valued.end(), {"dsn", "schema", "email", "role"});
  Args args(argc, argv, 2, valued, {"json"});
  auto& pos = args.positional();
  if (pos.size() != 1 || (pos[0] != "add" && pos[0] != "list"))
    throw UsageError("users takes a subcommand: add --email EMAIL [--role admin|member|viewer], or list");
  pg::Conninfo where = database_from_args(args, "watchpost users");
  std::string schema = args.value("schema", "watchpost");
  HostContext context("users");
  auto conn = pg::connect_and_migrate(where, schema, Host(context.get()));
  if (pos[0] == "list") {
    for (auto& u : api::list_users(*conn, schema)) std::printf("%-6lld %-8s %s\n", static_cast<long long>(u.id), u.role.c_str(), u.email.c_str());
    return 0;
  }
  std::string email = args.value("email");
  std::string role = args.value("role", "member");
  if (email.find('@') == std::string::npos) throw UsageError("--email EMAIL is needed");
  if (role != "admin" && role != "member" && role != "viewer") throw UsageError("--role is admin, member or viewer");
  // The password never goes on a command line (where `ps` shows it): the environment or stdin.
  std::string password;
  if (const char* p = std::getenv("WATCHPOST_PASSWORD"); p && *p) {
    password = p;
  } else {
    std::fprintf(stderr, "password for %s (one line on stdin): ", email.c_str());
    std::getline(std::cin, password);
  }
  if (password.size() < 10) throw UsageError("the password must be at least 10 characters");
  auto user = api::create_user(*conn, schema, email, api::hash_password(password), role);
  if (!user) throw std::runtime_error("an account with the email " + email + " exists already");
  std::printf("user %lld added: %s (%s)\n", static_cast<long long>(user->id), user->email.c_str(), user->role.c_str());
  return 0;
}

}  // namespace watchpost::cli
