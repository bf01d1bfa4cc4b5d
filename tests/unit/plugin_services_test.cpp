// The host services of ABI 1.1: the worker pool where plugin work may block, and the timers.
#include "plugins/services.hpp"
#include "wait.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

using namespace watchpost;
namespace wt = watchpost::testing;

TEST(WorkerPool, BlockingWorkGetsMoreThreadsUpToTheCap) {
  WorkerPool pool(4, 100);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> started{0}, finished{0};
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(pool.submit([&] {
      ++started;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return release; });
      ++finished;
    }));
  EXPECT_TRUE(wt::wait_until([&] { return started == 4; })) << "four threads, each blocked in a job";
  EXPECT_EQ(pool.threads(), 4u) << "never past the cap";
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(wt::wait_until([&] { return finished == 6; })) << "the queued two run once threads free up";
}

TEST(WorkerPool, AFullQueueRefusesInsteadOfGrowingWithoutBound) {
  WorkerPool pool(1, 2);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> ran{0};
  auto blocked = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    ++ran;
  };
  ASSERT_TRUE(pool.submit(blocked));
  ASSERT_TRUE(wt::wait_until([&] { return pool.threads() == 1; }));
  // The thread may not have taken the first job yet: fill until refused, at most 3 accepted.
  int accepted = 1;
  while (pool.submit(blocked) && accepted < 10) ++accepted;
  EXPECT_LE(accepted, 3);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(wt::wait_until([&] { return ran == accepted; }));
}

TEST(TimerService, TimersFireInOrderAndACancelledOneNever) {
  TimerService timers;
  std::mutex mu;
  std::vector<int> fired;
  auto note = [&](int n) {
    return [&, n] {
      std::lock_guard<std::mutex> lock(mu);
      fired.push_back(n);
    };
  };
  timers.start(std::chrono::milliseconds(60), note(3));
  timers.start(std::chrono::milliseconds(20), note(1));
  uint64_t cancelled = timers.start(std::chrono::milliseconds(40), note(2));
  uint64_t soon = timers.start(std::chrono::milliseconds(0), note(0));
  EXPECT_TRUE(timers.cancel(cancelled));
  EXPECT_TRUE(wt::wait_until([&] {
    std::lock_guard<std::mutex> lock(mu);
    return fired.size() == 3;
  }));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 3}));
  EXPECT_FALSE(timers.cancel(soon)) << "a timer that fired cannot be cancelled";
  EXPECT_FALSE(timers.cancel(cancelled)) << "nor one cancelled already";
}
