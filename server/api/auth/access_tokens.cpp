#include "access_tokens.hpp"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace watchpost::api {

namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

}  // namespace

AccessTokens::AccessTokens(std::string secret, int64_t lifetime_s) : secret_(std::move(secret)), lifetime_s_(lifetime_s) {
  if (secret_.size() < 32) throw std::invalid_argument("the API's token secret must be at least 32 bytes");
}

std::string AccessTokens::issue(int64_t user_id, const std::string& role, int64_t now_s) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("cannot make a token (out of memory)");
  JwtPtr j(raw);
  bool ok = jwt_add_grant(j.get(), "sub", std::to_string(user_id).c_str()) == 0 &&
            jwt_add_grant(j.get(), "role", role.c_str()) == 0 && jwt_add_grant_int(j.get(), "iat", now_s) == 0 &&
            jwt_add_grant_int(j.get(), "exp", now_s + lifetime_s_) == 0 && jwt_add_grant(j.get(), "iss", "watchpost") == 0 &&
            jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                        static_cast<int>(secret_.size())) == 0;
  if (!ok) throw std::runtime_error("cannot make a token");
  char* text = jwt_encode_str(j.get());
  if (!text) throw std::runtime_error("cannot encode a token");
  std::string out(text);
  free(text);  // libjwt 1.10 allocates it with malloc
  return out;
}

std::optional<AccessClaims> AccessTokens::verify(const std::string& token, int64_t now_s) const {
  if (token.empty() || token.size() > 4096) return std::nullopt;
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0)
    return std::nullopt;
  JwtPtr j(raw);
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return std::nullopt;
  const char* sub = jwt_get_grant(j.get(), "sub");
  const char* role = jwt_get_grant(j.get(), "role");
  errno = 0;
  long exp = jwt_get_grant_int(j.get(), "exp");
  if (!sub || !role || errno || exp <= now_s) return std::nullopt;
  AccessClaims c;
  try {
    size_t used = 0;
    c.user_id = std::stoll(sub, &used);
    if (used != std::string(sub).size() || c.user_id <= 0) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  c.role = role;
  c.expires_at = exp;
  return c;
}

}  // namespace watchpost::api
