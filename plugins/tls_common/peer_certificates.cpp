#include "peer_certificates.hpp"

#include <openssl/asn1.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>

namespace watchpost::tls {

namespace {

int64_t not_after_us(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}

}  // namespace

PeerCertificates read_peer_certificates(SSL* ssl) {
  PeerCertificates out;
  if (!ssl) return out;
  if (X509* leaf = SSL_get1_peer_certificate(ssl)) {
    int days = 0, secs = 0;
    if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(leaf))) out.leaf_days_left = days;
    out.earliest_expiry_us = not_after_us(leaf);
    X509_free(leaf);
  }
  // The chain as sent (a client's view includes the leaf): an intermediate that expires first
  // breaks the site as surely as the leaf does.
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      int64_t t = not_after_us(sk_X509_value(chain, i));
      if (t != 0 && (out.earliest_expiry_us == 0 || t < out.earliest_expiry_us)) out.earliest_expiry_us = t;
    }
  }
  return out;
}

}  // namespace watchpost::tls
