#include "schema_registry.hpp"

#include <watchpost/redact.hpp>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <memory>

namespace watchpost::avro {
namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * count > 1024 * 1024) return 0;  // no schema is a megabyte: stop reading
  body->append(data, size * count);
  return size * count;
}

// Subjects are path segments: escape everything but unreserved characters.
std::string escape_segment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string registry_message(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"];
  return body.substr(0, 200);
}

}  // namespace

SchemaRegistry::SchemaRegistry(std::string base_url, std::chrono::milliseconds timeout)
    : base_(std::move(base_url)), shown_(redact_url(base_)), timeout_(timeout) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

SchemaRegistry::Reply SchemaRegistry::call(const std::string& path, const std::string* post_body) const {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw RegistryUnavailable("cannot start an HTTP request");
  Reply reply{0, {}};
  std::string url = base_ + path;
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/vnd.schemaregistry.v1+json, application/json");
  if (post_body) headers = curl_slist_append(headers, "Content-Type: application/vnd.schemaregistry.v1+json");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  if (post_body) {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK)
    throw RegistryUnavailable("schema registry " + shown_ + " not reachable: " + curl_easy_strerror(rc));
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  if (reply.status >= 500 || reply.status == 429)
    throw RegistryUnavailable("schema registry " + shown_ + " answered " + std::to_string(reply.status) + ": " +
                              registry_message(reply.body));
  return reply;
}

uint32_t SchemaRegistry::register_schema(const std::string& subject, const std::string& schema_json) const {
  std::string body = nlohmann::json{{"schema", schema_json}}.dump();
  Reply r = call("/subjects/" + escape_segment(subject) + "/versions", &body);
  if (r.status != 200)
    throw RegistryRefused("schema registry " + shown_ + " refused the schema for subject '" + subject + "' (" +
                          std::to_string(r.status) + "): " + registry_message(r.body));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_unsigned() || j["id"].get<uint64_t>() > UINT32_MAX)
    throw RegistryRefused("schema registry " + shown_ + " answered without a schema id: " + r.body.substr(0, 200));
  return j["id"].get<uint32_t>();
}

std::optional<std::string> SchemaRegistry::schema_by_id(uint32_t id) const {
  Reply r = call("/schemas/ids/" + std::to_string(id), nullptr);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200)
    throw RegistryRefused("schema registry " + shown_ + " answered " + std::to_string(r.status) + " for schema id " +
                          std::to_string(id) + ": " + registry_message(r.body));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string())
    throw RegistryRefused("schema registry " + shown_ + " answered without a schema for id " + std::to_string(id));
  return j["schema"].get<std::string>();
}

}  // namespace watchpost::avro
