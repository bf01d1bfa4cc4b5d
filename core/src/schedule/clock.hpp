// Time as the scheduler sees it: wall-clock milliseconds that never jump (a steady clock
// anchored to the wall clock once), so phases line up across nodes yet NTP steps do not
// shift or replay slots.
#pragma once

#include <chrono>
#include <cstdint>

namespace watchpost {

class Clock {
 public:
  using steady = std::chrono::steady_clock;
  static int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static int64_t now_ms() { return anchor().wall_ms + elapsed_ms(steady::now()); }
  static steady::time_point to_steady(int64_t ms) {
    return anchor().steady_at + std::chrono::milliseconds(ms - anchor().wall_ms);
  }

 private:
  struct Anchor {
    int64_t wall_ms;
    steady::time_point steady_at;
  };
  static const Anchor& anchor() {
    static const Anchor a{wall_us() / 1000, steady::now()};
    return a;
  }
  static int64_t elapsed_ms(steady::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - anchor().steady_at).count();
  }
};

}  // namespace watchpost
