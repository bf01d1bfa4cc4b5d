// Users and their API tokens in PostgreSQL (migration 7). Every query quotes what it is given;
// none builds SQL from a request's text any other way.
#pragma once

#include <pqxx/connection>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace watchpost::api {

struct UserRow {
  int64_t id = 0;
  std::string email;
  std::string password_hash;
  std::string role;
  int64_t created_at = 0;      // unix seconds
  int64_t failed_logins = 0;   // wrong passwords in a row
  int64_t last_failed_at = 0;  // unix seconds; 0: none
};

struct TokenRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name, prefix;
  int64_t created_at = 0, last_used_at = 0, revoked_at = 0;
};

std::optional<UserRow> user_by_email(pqxx::connection& c, const std::string& schema, const std::string& email);
std::optional<UserRow> user_by_id(pqxx::connection& c, const std::string& schema, int64_t id);
// The first user of a database is an admin whatever `role` says (a lock keeps two first
// sign-ups from both being first). nullopt when the email is taken.
std::optional<UserRow> create_user(pqxx::connection& c, const std::string& schema, const std::string& email,
                                   const std::string& password_hash, const std::string& role);
std::vector<UserRow> list_users(pqxx::connection& c, const std::string& schema);
void note_login_failure(pqxx::connection& c, const std::string& schema, int64_t user_id);
void clear_login_failures(pqxx::connection& c, const std::string& schema, int64_t user_id);

// The token is returned once (the table keeps its SHA-256 and first characters).
struct NewToken {
  TokenRow row;
  std::string token;
};
NewToken create_token(pqxx::connection& c, const std::string& schema, int64_t user_id, const std::string& name);
std::vector<TokenRow> list_tokens(pqxx::connection& c, const std::string& schema, int64_t user_id);
// False when the user has no such token (or it was revoked already).
bool revoke_token(pqxx::connection& c, const std::string& schema, int64_t user_id, int64_t token_id);
// The live token with this text, its last use noted; nullopt for an unknown or revoked one.
std::optional<TokenRow> token_by_text(pqxx::connection& c, const std::string& schema, const std::string& token);

}  // namespace watchpost::api
