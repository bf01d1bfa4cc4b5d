// PostgreSQL connections for the API's request threads: at most `size` open, each used by one
// request at a time, made (and the schema migrated) when first needed, so `serve` starts while
// the database is down and answers 503 until it is back.
#pragma once

#include "conninfo.hpp"

#include <pqxx/connection>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace watchpost::api {

class DbPool {
 public:
  DbPool(pg::Conninfo where, std::string schema, size_t size);
  ~DbPool();

  class Lease {
   public:
    Lease(DbPool& pool, std::unique_ptr<pqxx::connection> c) : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    pqxx::connection& operator*() { return *c_; }
    pqxx::connection* operator->() { return c_.get(); }

   private:
    DbPool* pool_;
    std::unique_ptr<pqxx::connection> c_;
  };
  // Throws pqxx::broken_connection (its message says where, never the password).
  Lease lease();
  const std::string& schema() const { return schema_; }

 private:
  void give_back(std::unique_ptr<pqxx::connection> c);
  pg::Conninfo where_;
  std::string schema_;
  size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  size_t leased_ = 0;
  bool migrated_ = false;
};

}  // namespace watchpost::api
