// Walks a datum against its writer's schema before libavro reads it, allocating nothing.
//
// libavro's reader allocates what a length prefix says before it checks that the bytes are
// there (a hostile length of 2^60 is a 2^60-byte malloc), leaks the string or map key it was
// reading when a later part fails, and its skip function takes a block's byte count on trust
// where the reader parses the items — so a datum can pass libavro's skip and still fail (and
// leak) in its read. Found by fuzz/avro_decode_fuzz.cpp. A datum that passes this walk is
// read by libavro without an error: every length fits the bytes left, every block's items are
// there, every union branch and enum symbol exists, nesting is bounded.
#pragma once

#include <avro.h>

#include <string>
#include <string_view>

namespace watchpost::avro {

// "" when `datum` is exactly one datum of `schema`, else why not.
std::string check_datum(avro_schema_t schema, std::string_view datum);

}  // namespace watchpost::avro
