// How a thread waits for another thread of the same call. The waits are short (a recurrent step,
// a projection task), so a waiter spins, pausing the core between checks; past a thousand checks
// it yields between them, so an oversubscribed machine still runs whoever it waits for. A waiter
// that would rather sleep than spin long gives a time limit and blocks once it passes.
#pragma once

#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace vrnn {

inline void PauseCpu() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

constexpr int kChecksBeforeYield = 1 << 10;

// Waits until done() returns true. done() may do work of its own (run a task it found). A waiter
// with nothing it needs soon passes checks_before_yield = 0: it stays on its core, but gives it up
// to any other thread that wants it.
template <typename Done>
void SpinUntil(Done done, int checks_before_yield = kChecksBeforeYield) {
  for (int checks = 1; !done(); ++checks) {
    if (checks < checks_before_yield) PauseCpu();
    else std::this_thread::yield();
  }
}

// Spins until done() or `limit` passes; true when done() became true.
template <typename Done>
bool SpinUntilFor(Done done, std::chrono::microseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool timed_out = false;
  SpinUntil([&, checks = 0]() mutable {
    if (done()) return true;
    timed_out = ++checks % 64 == 0 && std::chrono::steady_clock::now() > deadline;
    return timed_out;
  });
  return !timed_out;
}

}  // namespace vrnn
