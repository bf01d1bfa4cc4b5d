#include "catalog_entry_check.hpp"

namespace watchpost {

std::optional<PipelineConfig> catalogue_pipeline(const Config* config, const std::string& name) {
  if (config) {
    for (auto& p : config->pipelines)
      if (p.name == name && p.probe) return p;
    return std::nullopt;
  }
  PipelineConfig p;
  p.name = name;
  p.probe = PluginBlock{"http", {}, {}};
  return p;
}

std::string catalogue_entry_problem(const pg::CatalogEntry& e, const PipelineConfig& pipeline,
                                    const SchemaCatalog& plugins) {
  std::string error;
  std::string definition = pg::entry_definition(e, error);
  if (!error.empty()) return error;
  try {
    target_from_definition(pipeline, e.id, definition, plugins, "target '" + e.id + "'");
    return "";
  } catch (const ConfigError& ce) {
    std::string why;
    for (auto& issue : ce.issues()) why += (why.empty() ? "" : "; ") + issue.message;
    return why;
  }
}

}  // namespace watchpost
