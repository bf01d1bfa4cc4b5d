// Whether a catalogue row is a target its pipeline can run, checked by the code that checks a
// pipeline file (so the same errors): used by `watchpost targets` and by the REST API before
// they write a row.
#pragma once

#include "catalog_entry.hpp"
#include "config/config.hpp"

#include <optional>
#include <string>

namespace watchpost {

// The pipeline a row is checked against: the probe pipeline `name` of `config` when given
// (nullopt when it has none of that name), else an http probe with its defaults.
std::optional<PipelineConfig> catalogue_pipeline(const Config* config, const std::string& name);

// Empty when the row is a target `pipeline` can run; else why not, as validate says it.
std::string catalogue_entry_problem(const pg::CatalogEntry& e, const PipelineConfig& pipeline,
                                    const SchemaCatalog& plugins);

}  // namespace watchpost
