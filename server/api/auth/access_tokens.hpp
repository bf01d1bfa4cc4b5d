// Short-lived access tokens: JWTs signed with HMAC-SHA256 (HS256) under the server's secret
// (libjwt). Any instance with the same secret accepts them, so `watchpost serve` stays
// stateless behind a load balancer. Only HS256 is accepted: a token that names another
// algorithm — `none` above all — is refused before its claims are read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace watchpost::api {

struct AccessClaims {
  int64_t user_id = 0;
  std::string role;
  int64_t expires_at = 0;  // unix seconds
};

class AccessTokens {
 public:
  // `secret` at least 32 bytes; throws std::invalid_argument otherwise.
  AccessTokens(std::string secret, int64_t lifetime_s);
  std::string issue(int64_t user_id, const std::string& role, int64_t now_s) const;
  // The claims of a token this secret signed with HS256 and that has not expired; nullopt
  // for anything else.
  std::optional<AccessClaims> verify(const std::string& token, int64_t now_s) const;
  int64_t lifetime_s() const { return lifetime_s_; }

 private:
  std::string secret_;
  int64_t lifetime_s_;
};

}  // namespace watchpost::api
