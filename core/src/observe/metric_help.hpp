// The HELP text of a metric family (metric_help.cpp), or null for one it does not know.
#pragma once

#include <string>

namespace watchpost {

const std::string* metric_help(const std::string& family);

}  // namespace watchpost
