#include "accounts.hpp"

#include "auth/passwords.hpp"
#include "migrations.hpp"

#include <pqxx/pqxx>

namespace watchpost::api {

namespace {

const char* kUserColumns =
    "id, email, password_hash, role, extract(epoch from created_at)::bigint, failed_logins, "
    "coalesce(extract(epoch from last_failed_at)::bigint, 0)";
const char* kTokenColumns =
    "id, user_id, name, prefix, extract(epoch from created_at)::bigint, "
    "coalesce(extract(epoch from last_used_at)::bigint, 0), coalesce(extract(epoch from revoked_at)::bigint, 0)";

UserRow user_of(const pqxx::row& r) {
  return {r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
          r[4].as<int64_t>(), r[5].as<int64_t>(),     r[6].as<int64_t>()};
}

TokenRow token_of(const pqxx::row& r) {
  return {r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<std::string>(), r[3].as<std::string>(),
          r[4].as<int64_t>(), r[5].as<int64_t>(), r[6].as<int64_t>()};
}

std::string users(const std::string& schema) { return pg::with_schema("{schema}.users", schema); }
std::string tokens(const std::string& schema) { return pg::with_schema("{schema}.api_tokens", schema); }

std::optional<UserRow> one_user(pqxx::connection& c, const std::string& sql) {
  pqxx::work tx(c);
  auto rows = tx.exec(sql);
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return user_of(rows[0]);
}

}  // namespace

std::optional<UserRow> user_by_email(pqxx::connection& c, const std::string& schema, const std::string& email) {
  return one_user(c, std::string("SELECT ") + kUserColumns + " FROM " + users(schema) + " WHERE lower(email) = lower(" +
                         c.quote(email) + ")");
}

std::optional<UserRow> user_by_id(pqxx::connection& c, const std::string& schema, int64_t id) {
  return one_user(c, std::string("SELECT ") + kUserColumns + " FROM " + users(schema) + " WHERE id = " + std::to_string(id));
}

std::optional<UserRow> create_user(pqxx::connection& c, const std::string& schema, const std::string& email,
                                   const std::string& password_hash, const std::string& role) {
  pqxx::work tx(c);
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('watchpost.users:' || " + tx.quote(schema) + "))");
  bool first = tx.exec("SELECT count(*) FROM " + users(schema))[0][0].as<int64_t>() == 0;
  auto rows = tx.exec("INSERT INTO " + users(schema) + " (email, password_hash, role) VALUES (" + tx.quote(email) + ", " +
                      tx.quote(password_hash) + ", " + tx.quote(first ? "admin" : role) +
                      ") ON CONFLICT DO NOTHING RETURNING " + kUserColumns);
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return user_of(rows[0]);
}

std::vector<UserRow> list_users(pqxx::connection& c, const std::string& schema) {
  pqxx::work tx(c);
  std::vector<UserRow> out;
  for (auto r : tx.exec(std::string("SELECT ") + kUserColumns + " FROM " + users(schema) + " ORDER BY id")) out.push_back(user_of(r));
  tx.commit();
  return out;
}

void note_login_failure(pqxx::connection& c, const std::string& schema, int64_t user_id) {
  pqxx::work tx(c);
  tx.exec("UPDATE " + users(schema) + " SET failed_logins = failed_logins + 1, last_failed_at = now() WHERE id = " +
          std::to_string(user_id));
  tx.commit();
}

void clear_login_failures(pqxx::connection& c, const std::string& schema, int64_t user_id) {
  pqxx::work tx(c);
  tx.exec("UPDATE " + users(schema) + " SET failed_logins = 0, last_failed_at = NULL WHERE id = " +
          std::to_string(user_id) + " AND failed_logins <> 0");
  tx.commit();
}

NewToken create_token(pqxx::connection& c, const std::string& schema, int64_t user_id, const std::string& name) {
  NewToken out;
  out.token = "wp_" + random_token(32);
  pqxx::work tx(c);
  auto rows = tx.exec("INSERT INTO " + tokens(schema) + " (user_id, name, token_sha256, prefix) VALUES (" +
                      std::to_string(user_id) + ", " + tx.quote(name) + ", " + tx.quote(sha256_hex(out.token)) + ", " +
                      tx.quote(out.token.substr(0, 10)) + ") RETURNING " + kTokenColumns);
  tx.commit();
  out.row = token_of(rows[0]);
  return out;
}

std::vector<TokenRow> list_tokens(pqxx::connection& c, const std::string& schema, int64_t user_id) {
  pqxx::work tx(c);
  std::vector<TokenRow> out;
  for (auto r : tx.exec(std::string("SELECT ") + kTokenColumns + " FROM " + tokens(schema) +
                        " WHERE user_id = " + std::to_string(user_id) + " ORDER BY id"))
    out.push_back(token_of(r));
  tx.commit();
  return out;
}

bool revoke_token(pqxx::connection& c, const std::string& schema, int64_t user_id, int64_t token_id) {
  pqxx::work tx(c);
  auto r = tx.exec("UPDATE " + tokens(schema) + " SET revoked_at = now() WHERE id = " + std::to_string(token_id) +
                   " AND user_id = " + std::to_string(user_id) + " AND revoked_at IS NULL");
  tx.commit();
  return r.affected_rows() == 1;
}

std::optional<TokenRow> token_by_text(pqxx::connection& c, const std::string& schema, const std::string& token) {
  pqxx::work tx(c);
  auto rows = tx.exec("UPDATE " + tokens(schema) + " SET last_used_at = now() WHERE token_sha256 = " +
                      tx.quote(sha256_hex(token)) + " AND revoked_at IS NULL RETURNING " + kTokenColumns);
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return token_of(rows[0]);
}

}  // namespace watchpost::api
