// The barrier a column-split direction meets at after every recurrent step. Each member announces
// its step count in a cache line of its own and reads the others': one line crosses between cores
// per member and step, where a shared counter bounces one line between all of them several times.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "backoff.h"

namespace vrnn {

class StepBarrier {
 public:
  explicit StepBarrier(int members) : members_(members), steps_(std::make_unique<Slot[]>(members)) {}

  // Returns once every member has called Wait as often as `member` now has.
  void Wait(int member) {
    const uint64_t step = steps_[member].done.load(std::memory_order_relaxed) + 1;
    steps_[member].done.store(step, std::memory_order_release);
    for (int other = 0; other < members_; ++other) {
      Backoff backoff;
      while (steps_[other].done.load(std::memory_order_acquire) < step) backoff.Wait();
    }
  }

 private:
  // Two lines: some cores fetch lines in adjacent pairs.
  struct alignas(128) Slot {
    std::atomic<uint64_t> done{0};
  };

  const int members_;
  std::unique_ptr<Slot[]> steps_;
};

}  // namespace vrnn
