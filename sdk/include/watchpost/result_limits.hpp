// Bounds on what a result may carry, so that anything watchpost accepts (from a config file,
// from Kafka, from the spool) can also be stored: PostgreSQL refuses an index row over ~2.7 kB,
// and a far-future time breaks daily partitioning. docs/result-format.md lists them.
#pragma once

#include <cstddef>

namespace watchpost::limits {

constexpr size_t kIdBytes = 256;          // target id
constexpr size_t kUrlBytes = 8192;
constexpr size_t kLabels = 64;            // labels per target
constexpr size_t kLabelKeyBytes = 128;
constexpr size_t kLabelValueBytes = 1024;
constexpr size_t kMessageBytes = 8192;    // error and verdict messages
constexpr int kFirstYear = 1970;          // times outside [1970, 2200) are refused
constexpr int kLastYear = 2199;

}  // namespace watchpost::limits
