// The subcommands of the watchpost binary; each returns the process exit code.
#pragma once

namespace watchpost::cli {

int cmd_run(int argc, char** argv);
int cmd_validate(int argc, char** argv);
int cmd_plugins(int argc, char** argv);
int cmd_check(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_targets(int argc, char** argv);
int cmd_alerts(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_users(int argc, char** argv);
int cmd_maintenance(int argc, char** argv);

}  // namespace watchpost::cli
