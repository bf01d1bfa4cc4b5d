#include "db_pool.hpp"

#include "connection_options.hpp"
#include "plugins/host.hpp"

#include <watchpost/plugin.hpp>

namespace watchpost::api {

DbPool::DbPool(pg::Conninfo where, std::string schema, size_t size)
    : where_(std::move(where)), schema_(std::move(schema)), size_(size) {}

DbPool::~DbPool() = default;

DbPool::Lease::~Lease() {
  if (pool_ && c_) pool_->give_back(std::move(c_));
}

DbPool::Lease DbPool::lease() {
  std::unique_ptr<pqxx::connection> c;
  bool migrate;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || leased_ < size_; });
    ++leased_;
    if (!idle_.empty()) {
      c = std::move(idle_.back());
      idle_.pop_back();
    }
    migrate = !migrated_;
  }
  if (c && c->is_open()) return Lease(*this, std::move(c));
  try {
    if (migrate) {
      HostContext context("api");
      c = pg::connect_and_migrate(where_, schema_, Host(context.get()));
      std::lock_guard<std::mutex> lock(mu_);
      migrated_ = true;
    } else {
      c = std::make_unique<pqxx::connection>(where_.text);
    }
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --leased_;
    }
    cv_.notify_one();
    throw pqxx::broken_connection("cannot connect to PostgreSQL (" + where_.display + ")");
  }
  return Lease(*this, std::move(c));
}

void DbPool::give_back(std::unique_ptr<pqxx::connection> c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --leased_;
    // A connection that broke mid-request (or holds an open transaction) is not reused.
    if (c->is_open()) idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

}  // namespace watchpost::api
