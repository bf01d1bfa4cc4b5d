#include "framing.hpp"

#include <climits>
#include <fstream>
#include <sstream>

namespace watchpost::avro {

std::vector<wp_option_spec> framing_option_specs(bool reading) {
  std::vector<wp_option_spec> specs = {
      option("avro_framing", WP_OPT_STRING, "confluent",
             "format avro: confluent (magic byte, schema id, datum) or plain (the datum alone)", "confluent|plain"),
      option("schema_registry", WP_OPT_STRING, nullptr,
             "format avro, confluent framing: the schema registry's URL (ids registered as <topic>-value, fetched by id)"),
      option("schema_id", WP_OPT_INT, nullptr, "format avro, confluent framing: a fixed schema id instead of a registry"),
      option("schema_registry_timeout", WP_OPT_DURATION, "5s", "How long one request to the schema registry may take"),
  };
  if (reading)
    specs.push_back(option("avro_schema", WP_OPT_STRING, nullptr,
                           "format avro: the writers' schema file (.avsc) for plain framing or a fixed schema_id; "
                           "unset: the current schema"));
  return specs;
}

void check_framing(const Framing& f) {
  bool registry = !f.registry_url.empty();
  if (f.confluent && registry == f.schema_id.has_value())
    throw OptionError(registry ? "schema_id" : "schema_registry",
                      "confluent framing needs exactly one of schema_registry (a URL) or schema_id");
  if (!f.confluent && (registry || f.schema_id))
    throw OptionError(registry ? "schema_registry" : "schema_id", "plain framing carries no schema id: remove it");
  if (f.schema_id && *f.schema_id > INT32_MAX) throw OptionError("schema_id", "must be between 0 and 2147483647");
  if (registry && f.registry_url.rfind("http://", 0) != 0 && f.registry_url.rfind("https://", 0) != 0)
    throw OptionError("schema_registry", "must be an http:// or https:// URL");
}

Framing framing_from(const Options& o, const std::string& current_schema, bool reading) {
  Framing f;
  f.confluent = o.string("avro_framing", "confluent") == "confluent";
  if (o.has("schema_id")) {
    int64_t id = o.integer("schema_id");
    if (id < 0 || id > INT32_MAX) throw OptionError("schema_id", "must be between 0 and 2147483647");
    f.schema_id = static_cast<uint32_t>(id);
  }
  f.registry_url = o.string("schema_registry");
  f.registry_timeout = std::chrono::milliseconds(o.integer("schema_registry_timeout", 5000));
  check_framing(f);
  f.writer_schema = current_schema;
  std::string path = reading ? o.string("avro_schema") : std::string();
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OptionError("avro_schema", "cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    f.writer_schema = text.str();
  }
  return f;
}

}  // namespace watchpost::avro
