// How a thread waits for another on the same call: spinning (the waits are short, a recurrent
// step or a projection task), then yielding, so an oversubscribed machine still makes progress.
#pragma once

#include <thread>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vrnn {

inline void PauseCpu() {
#if defined(__x86_64__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

class Backoff {
 public:
  void Wait() {
    if (++spins_ < kSpinsBeforeYield) PauseCpu();
    else std::this_thread::yield();
  }

 private:
  static constexpr int kSpinsBeforeYield = 1 << 10;
  int spins_ = 0;
};

}  // namespace vrnn
