// The services the core hands each plugin instance (plugin_api.h's wp_host).
#pragma once

#include <watchpost/plugin_api.h>

#include <memory>
#include <string>

namespace watchpost {

// Where this process checks from, handed to every plugin instance made after it is set (the
// runtime sets it from the config's `node:` and `region:` before it builds anything).
struct NodeIdentity {
  std::string node;
  std::string region;
};
void set_node_identity(NodeIdentity identity);
NodeIdentity node_identity();

class HostContext {
 public:
  explicit HostContext(std::string instance_name);
  HostContext(const HostContext&) = delete;
  HostContext& operator=(const HostContext&) = delete;
  const wp_host* get() const { return &raw_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  NodeIdentity identity_;  // copied at creation: raw_ points into it
  wp_host raw_{};
};

}  // namespace watchpost
