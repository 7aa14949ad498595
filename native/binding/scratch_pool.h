// Scratch memory kept for reuse by concurrent async calls (they cannot share one): a call takes
// one when it is made and gives it back when done, so a steady stream of calls stops allocating
// and page-faulting (on some VMs a fresh page costs microseconds).
#pragma once

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

  void Give(std::unique_ptr<T> scratch) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(scratch));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> free_;
};

}  // namespace vrnn_binding
