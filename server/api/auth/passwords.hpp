// Passwords are kept as Argon2id hashes (libsodium's crypto_pwhash_str: the salt and the cost
// are in the string), never as anything a leaked table gives back.
#pragma once

#include <string>

namespace watchpost::api {

// Throws std::runtime_error when libsodium cannot (out of memory).
std::string hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);
// A random string of `bytes` bytes, URL-safe base64 without padding (tokens, secrets).
std::string random_token(size_t bytes);
// Hex of SHA-256: how API tokens are stored (they are random: no salt or slow hash needed).
std::string sha256_hex(const std::string& text);

}  // namespace watchpost::api
