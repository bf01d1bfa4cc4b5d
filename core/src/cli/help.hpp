// What `watchpost --help` and `watchpost COMMAND --help` print.
#pragma once

#include <string>

namespace watchpost::cli {

const char* overview_help();
// Empty for a name that is no command.
std::string command_help(const std::string& command);

}  // namespace watchpost::cli
