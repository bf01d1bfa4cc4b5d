// A throwaway self-signed certificate for 127.0.0.1/localhost, made at start-up so no key
// is ever committed and expiry is always known.
#pragma once

#include <string>

namespace watchpost::target {

struct CertificatePair {
  std::string cert_pem;
  std::string key_pem;
};

CertificatePair make_self_signed(int valid_days);

}  // namespace watchpost::target
