// The services the core hands each plugin instance (plugin_api.h's wp_host).
#pragma once

#include <watchpost/plugin_api.h>

#include <memory>
#include <string>

namespace watchpost {

class HostContext {
 public:
  explicit HostContext(std::string instance_name);
  HostContext(const HostContext&) = delete;
  HostContext& operator=(const HostContext&) = delete;
  const wp_host* get() const { return &raw_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  wp_host raw_{};
};

}  // namespace watchpost
