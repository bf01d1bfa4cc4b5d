// Pieces of Prometheus's text exposition format shared by every page watchpost writes.
#pragma once

#include <string>
#include <string_view>

namespace watchpost {

// "# HELP name help\n# TYPE name type\n"
inline void family_header(std::string& out, std::string_view name, std::string_view help,
                          std::string_view type = "gauge") {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name);
  out.append(" ").append(type).append("\n");
}

}  // namespace watchpost
