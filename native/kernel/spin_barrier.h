// Where `count` threads of one call meet: each Wait() returns once all have arrived.
#pragma once

#include <atomic>

#include "spin_wait.h"

namespace vrnn {

class SpinBarrier {
 public:
  explicit SpinBarrier(int count) : count_(count) {}

  void Wait() {
    const int generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
    SpinUntil([&] { return generation_.load(std::memory_order_acquire) != generation; });
  }

 private:
  const int count_;
  std::atomic<int> arrived_{0};
  std::atomic<int> generation_{0};
};

}  // namespace vrnn
