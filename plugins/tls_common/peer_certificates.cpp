#include "peer_certificates.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
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

std::string one_line(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out = size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
  BIO_free(bio);
  return out;
}

}  // namespace

PeerCertificates read_peer_certificates(SSL* ssl) {
  PeerCertificates out;
  if (!ssl) return out;
  out.protocol = SSL_get_version(ssl);
  if (X509* leaf = SSL_get1_peer_certificate(ssl)) {
    int days = 0, secs = 0;
    if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(leaf))) out.leaf_days_left = days;
    out.leaf_expiry_us = not_after_us(leaf);
    out.earliest_expiry_us = out.leaf_expiry_us;
    out.leaf_subject = one_line(X509_get_subject_name(leaf));
    out.leaf_issuer = one_line(X509_get_issuer_name(leaf));
    X509_free(leaf);
  }
  // The chain as sent (a client's view includes the leaf): an intermediate that expires first
  // breaks the site as surely as the leaf does.
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    out.chain_length = static_cast<size_t>(sk_X509_num(chain));
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      int64_t t = not_after_us(sk_X509_value(chain, i));
      if (t != 0 && (out.earliest_expiry_us == 0 || t < out.earliest_expiry_us)) out.earliest_expiry_us = t;
    }
  }
  return out;
}

}  // namespace watchpost::tls
