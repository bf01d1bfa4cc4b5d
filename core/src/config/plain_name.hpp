// The names that become parts of ids and file names (alert rules, notifiers, maintenance
// windows): 1 to 64 letters, digits, '-', '_' or '.'.
#pragma once

#include <string>

namespace watchpost {

bool plain_name(const std::string& s);

}  // namespace watchpost
