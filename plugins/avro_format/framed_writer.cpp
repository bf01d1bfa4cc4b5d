#include "framed_writer.hpp"

#include "confluent_framing.hpp"

namespace watchpost::avro {

FramedWriter::FramedWriter(const Framing& f, const std::string& topic, std::string schema_json)
    : confluent_(f.confluent), id_(f.schema_id), subject_(topic + "-value"), schema_(std::move(schema_json)) {
  if (confluent_ && !id_) registry_ = std::make_unique<SchemaRegistry>(f.registry_url, f.registry_timeout);
}

void FramedWriter::prepare() {
  if (!confluent_ || id_) return;
  id_ = registry_->register_schema(subject_, schema_);
}

void FramedWriter::start(std::string& out) const {
  if (confluent_) append_frame_header(out, *id_);
}

}  // namespace watchpost::avro
