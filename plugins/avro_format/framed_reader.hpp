// Reads the Avro messages of a topic: takes the framing off, finds the writer's schema (fixed,
// from a file, or from the registry by id, looked up once and kept) and hands the datum to a
// `Decoder` made for that schema (ResultDecoder, TargetDecoder). A decoder that cannot be made
// for a schema (incompatible) is remembered with the reason, so its messages are refused fast.
#pragma once

#include "confluent_framing.hpp"
#include "framing.hpp"
#include "schema_registry.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace watchpost::avro {

enum class ReadOutcome { Decoded, Undecodable, TryLater };
struct ReadResult {
  ReadOutcome outcome;
  std::string why;  // for Undecodable and TryLater
};

// The framing a reader's options give, its writer schema checked by making a Decoder for it:
// throws OptionError naming the option.
template <class Decoder>
Framing reader_framing(const Options& options, const std::string& current_schema) {
  Framing f = framing_from(options, current_schema, true);
  try {
    Decoder check(f.writer_schema);
  } catch (const std::exception& e) {
    throw OptionError("avro_schema", e.what());
  }
  return f;
}

template <class Decoder>
class FramedReader {
 public:
  // Throws what Decoder's constructor throws for the configured writer schema.
  explicit FramedReader(const Framing& f) : confluent_(f.confluent), fixed_id_(f.schema_id) {
    if (!confluent_ || fixed_id_) fixed_ = std::make_unique<Decoder>(f.writer_schema);
    if (confluent_ && !fixed_id_) registry_ = std::make_unique<SchemaRegistry>(f.registry_url, f.registry_timeout);
  }

  // `fn` receives what Decoder::decode gives, during the call.
  template <class Fn>
  ReadResult read(std::string_view message, Fn&& fn) {
    Decoder* decoder = fixed_.get();
    std::string_view datum = message;
    if (confluent_) {
      auto frame = read_frame(message);
      if (!frame) return {ReadOutcome::Undecodable, "not Confluent-framed Avro (no magic byte 0 and schema id)"};
      std::string why;
      try {
        decoder = decoder_for(frame->schema_id, why);
      } catch (const RegistryUnavailable& e) {
        return {ReadOutcome::TryLater, e.what()};
      }
      if (!decoder) return {ReadOutcome::Undecodable, why};
      datum = frame->datum;
    }
    std::string why = decoder->decode(datum, std::forward<Fn>(fn));
    if (!why.empty()) return {ReadOutcome::Undecodable, why};
    return {ReadOutcome::Decoded, {}};
  }

 private:
  static constexpr std::chrono::seconds kRegistryRetry{2};

  // The decoder for a schema id; throws RegistryUnavailable; null (and `why`) when the id
  // cannot be read.
  Decoder* decoder_for(uint32_t id, std::string& why) {
    if (fixed_id_) {
      if (id == *fixed_id_) return fixed_.get();
      why = "schema id " + std::to_string(id) + " is not the configured schema_id " + std::to_string(*fixed_id_);
      return nullptr;
    }
    auto known = by_id_.find(id);
    if (known != by_id_.end()) return known->second.get();
    auto refused = refused_.find(id);
    if (refused != refused_.end()) {
      why = refused->second;
      return nullptr;
    }
    if (std::chrono::steady_clock::now() < retry_at_)
      throw RegistryUnavailable("schema registry unavailable (waiting to ask again)");
    std::optional<std::string> schema;
    try {
      schema = registry_->schema_by_id(id);
    } catch (const RegistryUnavailable&) {
      retry_at_ = std::chrono::steady_clock::now() + kRegistryRetry;
      throw;
    } catch (const RegistryRefused& e) {
      why = e.what();
      return nullptr;  // not remembered: a refusal other than "no such id" may pass
    }
    if (!schema) {
      why = "schema id " + std::to_string(id) + " is not in the schema registry";
    } else {
      try {
        auto decoder = std::make_unique<Decoder>(*schema);
        return (by_id_[id] = std::move(decoder)).get();
      } catch (const std::exception& e) {
        why = "schema id " + std::to_string(id) + " cannot be read as " + Decoder::kRecord + ": " + e.what();
      }
    }
    if (refused_.size() < 1000) refused_[id] = why;
    return nullptr;
  }

  bool confluent_;
  std::optional<uint32_t> fixed_id_;
  std::unique_ptr<Decoder> fixed_;  // plain, or confluent with a fixed schema_id
  std::unique_ptr<SchemaRegistry> registry_;
  std::map<uint32_t, std::unique_ptr<Decoder>> by_id_;
  std::map<uint32_t, std::string> refused_;  // ids the registry lacks or that cannot be read, and why
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace watchpost::avro
