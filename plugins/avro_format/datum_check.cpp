#include "datum_check.hpp"

#include <cstdint>

namespace watchpost::avro {
namespace {

constexpr int kDeepest = 64;  // nesting of records, arrays, maps and unions

class Walk {
 public:
  explicit Walk(std::string_view d) : data_(d) {}

  void value(avro_schema_t s, int depth) {
    while (s && is_avro_link(s)) s = avro_schema_link_target(s);
    if (!s) fail("a schema without a type");
    if (depth > kDeepest) fail("nested deeper than " + std::to_string(kDeepest));
    switch (avro_typeof(s)) {
      case AVRO_NULL: return;
      case AVRO_BOOLEAN: bytes(1); return;
      case AVRO_INT32:
      case AVRO_INT64: varint(); return;
      case AVRO_FLOAT: bytes(4); return;
      case AVRO_DOUBLE: bytes(8); return;
      case AVRO_STRING:
      case AVRO_BYTES: bytes(length()); return;
      case AVRO_FIXED: bytes(static_cast<uint64_t>(avro_schema_fixed_size(s))); return;
      case AVRO_ENUM: {
        int64_t i = varint();
        if (i < 0 || i >= avro_schema_enum_number_of_symbols(s)) fail("an enum index past its symbols");
        return;
      }
      case AVRO_UNION: {
        int64_t i = varint();
        if (i < 0 || static_cast<size_t>(i) >= avro_schema_union_size(s)) fail("a union index past its branches");
        value(avro_schema_union_branch(s, static_cast<int>(i)), depth + 1);
        return;
      }
      case AVRO_RECORD:
        for (size_t f = 0; f < avro_schema_record_size(s); ++f)
          value(avro_schema_record_field_get_by_index(s, static_cast<int>(f)), depth + 1);
        return;
      case AVRO_ARRAY:
      case AVRO_MAP:
        // Blocks of items until an empty one; a negative count is followed by the block's
        // byte size, which is read and then not trusted: every item is walked.
        for (;;) {
          int64_t count = varint();
          if (count == 0) return;
          if (count < 0) {
            if (count == INT64_MIN) fail("a block count out of range");
            count = -count;
            if (varint() < 0) fail("a negative block size");
          }
          if (static_cast<uint64_t>(count) > data_.size() - at_) fail("a block of more items than bytes left");
          for (int64_t i = 0; i < count; ++i) {
            if (avro_typeof(s) == AVRO_MAP) bytes(length());  // the key
            value(avro_typeof(s) == AVRO_MAP ? avro_schema_map_values(s) : avro_schema_array_items(s), depth + 1);
          }
        }
      default: fail("a type the walk does not know");
    }
  }

  bool at_end() const { return at_ == data_.size(); }

  struct Failed {
    std::string why;
  };

 private:
  [[noreturn]] void fail(const std::string& why) { throw Failed{why}; }

  int64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= data_.size()) fail("the datum ends inside a number");
      auto b = static_cast<uint8_t>(data_[at_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    }
    fail("a number longer than 10 bytes");
  }

  uint64_t length() {
    int64_t n = varint();
    if (n < 0) fail("a negative length");
    return static_cast<uint64_t>(n);
  }

  void bytes(uint64_t n) {
    if (n > data_.size() - at_) fail("a length past the end of the datum");
    at_ += n;
  }

  std::string_view data_;
  size_t at_ = 0;
};

}  // namespace

std::string check_datum(avro_schema_t schema, std::string_view datum) {
  Walk walk(datum);
  try {
    walk.value(schema, 0);
  } catch (const Walk::Failed& f) {
    return "not an Avro datum of its schema: " + f.why;
  }
  if (!walk.at_end()) return "bytes left after the Avro datum";
  return {};
}

}  // namespace watchpost::avro
