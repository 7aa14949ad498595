// Scratch memory kept for reuse by concurrent async calls (they cannot share one): a call takes
// one and gives it back when done, so a steady stream of calls stops allocating and page-faulting
// (on some VMs a fresh page costs microseconds). At most kMaxFree are kept: a burst of calls does
// not pin its peak memory for the model's lifetime.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace vrnn_binding {

template <typename T>
class ScratchPool {
 public:
  std::unique_ptr<T> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<T>();
    std::unique_ptr<T> scratch = std::move(free_.back());
    free_.pop_back();
    return scratch;
  }

  // Never throws (callers give back from destructors): a scratch that cannot be kept is freed.
  void Give(std::unique_ptr<T> scratch) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() >= kMaxFree) return;
    try {
      free_.push_back(std::move(scratch));
    } catch (...) {
    }
  }

 private:
  static constexpr std::size_t kMaxFree = 8;

  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> free_;
};

}  // namespace vrnn_binding
