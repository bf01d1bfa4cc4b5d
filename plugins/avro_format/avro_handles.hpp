// Owners for libavro's reference-counted handles, so every path (a refused schema, a datum that
// does not decode) releases what it took.
#pragma once

#include <avro.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace watchpost::avro {

struct SchemaDeleter {
  void operator()(avro_obj_t* s) const { avro_schema_decref(s); }
};
using SchemaPtr = std::unique_ptr<avro_obj_t, SchemaDeleter>;

struct ClassDeleter {
  void operator()(avro_value_iface_t* c) const { avro_value_iface_decref(c); }
};
using ClassPtr = std::unique_ptr<avro_value_iface_t, ClassDeleter>;

struct ReaderDeleter {
  void operator()(std::remove_pointer_t<avro_reader_t>* r) const { avro_reader_free(r); }
};
using ReaderPtr = std::unique_ptr<std::remove_pointer_t<avro_reader_t>, ReaderDeleter>;

struct WriterDeleter {
  void operator()(std::remove_pointer_t<avro_writer_t>* w) const { avro_writer_free(w); }
};
using WriterPtr = std::unique_ptr<std::remove_pointer_t<avro_writer_t>, WriterDeleter>;

// One generic value of a schema's class, reset and reused for every datum.
class GenericValue {
 public:
  explicit GenericValue(avro_schema_t schema) : class_(avro_generic_class_from_schema(schema)) {
    if (!class_ || avro_generic_value_new(class_.get(), &value_) != 0)
      throw std::runtime_error(std::string("libavro: ") + avro_strerror());
  }
  ~GenericValue() { avro_value_decref(&value_); }
  GenericValue(const GenericValue&) = delete;
  GenericValue& operator=(const GenericValue&) = delete;
  avro_value_t* get() { return &value_; }

 private:
  ClassPtr class_;
  avro_value_t value_{};
};

// Parses a schema; throws std::invalid_argument with libavro's message.
inline SchemaPtr parse_schema(std::string_view json) {
  avro_schema_t schema = nullptr;
  if (avro_schema_from_json_length(json.data(), json.size(), &schema) != 0)
    throw std::invalid_argument(std::string("not an Avro schema: ") + avro_strerror());
  return SchemaPtr(schema);
}

}  // namespace watchpost::avro
