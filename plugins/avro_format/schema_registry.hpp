// A client of a schema registry's REST protocol (Confluent Schema Registry, Karapace, and
// anything serving the same endpoints): register a schema under a subject, fetch a schema by
// id. Plain HTTP/JSON over libcurl. The URL may carry user:password for basic auth; it never
// appears in an error message (only its redacted form does).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace watchpost::avro {

// The registry could not be asked (down, timed out, 5xx): try again later, lose nothing.
struct RegistryUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The registry answered no (4xx other than an unknown id, e.g. an incompatible schema).
struct RegistryRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SchemaRegistry {
 public:
  SchemaRegistry(std::string base_url, std::chrono::milliseconds timeout);

  // POST /subjects/{subject}/versions: the schema's id (the same id when it is registered).
  uint32_t register_schema(const std::string& subject, const std::string& schema_json) const;
  // GET /schemas/ids/{id}: the schema's text, or nothing when the registry has no such id.
  std::optional<std::string> schema_by_id(uint32_t id) const;

  // The URL as it may be shown: no password, no secret query values.
  const std::string& shown_url() const { return shown_; }

 private:
  struct Reply {
    long status;
    std::string body;
  };
  Reply call(const std::string& path, const std::string* post_body) const;

  std::string base_;
  std::string shown_;
  std::chrono::milliseconds timeout_;
};

}  // namespace watchpost::avro
