// GET /probe?target=URL&module=NAME, as blackbox_exporter answers it: one check of the
// target with the module's probe and evaluators, now, answered in the blackbox format. A
// Prometheus that scrapes the blackbox exporter can scrape watchpost instead, unchanged.
//
// Runs on the io thread of the runtime that owns the module pipelines.
#pragma once

#include "config/config.hpp"
#include "observe/admin_server.hpp"
#include "pipelines/probe_pipeline.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace watchpost::blackbox {

class ProbeEndpoint {
 public:
  struct Module {
    PipelineConfig config;  // its probe options are the defaults of every requested target
    std::shared_ptr<ProbePipeline> pipeline;
  };
  explicit ProbeEndpoint(const SchemaCatalog& catalog) : catalog_(catalog) {}
  // The modules of the running configuration (again after each reload).
  void set_modules(std::map<std::string, Module> modules) { modules_ = std::move(modules); }
  void handle(std::string_view query, std::string_view scrape_timeout, AdminServer::Reply reply);

 private:
  const SchemaCatalog& catalog_;
  std::map<std::string, Module> modules_;
};

// The value of `name` in a query string, percent-decoded; empty when absent.
std::string query_param(std::string_view query, std::string_view name);

}  // namespace watchpost::blackbox
