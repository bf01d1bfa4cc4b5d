// What a probe reports about the certificates a TLS peer presented. Shared by every probe
// that speaks TLS, so "days left" and "earliest expiry" mean the same thing in each.
#pragma once

#include <cstdint>
#include <string>

typedef struct ssl_st SSL;

namespace watchpost::tls {

struct PeerCertificates {
  int32_t leaf_days_left = INT32_MIN;  // whole days until the leaf's notAfter (negative: expired)
  int64_t earliest_expiry_us = 0;      // the earliest notAfter in the presented chain; 0: none
  int64_t leaf_expiry_us = 0;
  std::string leaf_subject;            // one line, RFC 2253 ("CN=example.com,O=...")
  std::string leaf_issuer;
  std::string protocol;                // "TLSv1.3"
  size_t chain_length = 0;
};

// Reads the certificates of an established connection. Never fails: what cannot be read
// stays at its "none" value.
PeerCertificates read_peer_certificates(SSL* ssl);

}  // namespace watchpost::tls
