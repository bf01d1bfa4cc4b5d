// What a probe reports about the certificates a TLS peer presented. Shared by every probe
// that speaks TLS, so "days left" and "earliest expiry" mean the same thing in each.
#pragma once

#include <climits>
#include <cstdint>

typedef struct ssl_st SSL;

namespace watchpost::tls {

struct PeerCertificates {
  int32_t leaf_days_left = INT32_MIN;  // whole days until the leaf's notAfter (negative: expired)
  int64_t earliest_expiry_us = 0;      // the earliest notAfter in the presented chain; 0: none
};

// Reads the certificates of an established connection. Never fails: what cannot be read
// stays at its "none" value.
PeerCertificates read_peer_certificates(SSL* ssl);

}  // namespace watchpost::tls
