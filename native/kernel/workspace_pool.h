// Workspaces kept for reuse by concurrent calls (async calls cannot share one): a call takes one,
// gives it back when done, and a steady stream of calls stops allocating and page-faulting.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "workspace.h"

namespace vrnn {

class WorkspacePool {
 public:
  std::unique_ptr<Workspace> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<Workspace>();
    std::unique_ptr<Workspace> workspace = std::move(free_.back());
    free_.pop_back();
    return workspace;
  }

  void Give(std::unique_ptr<Workspace> workspace) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(workspace));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Workspace>> free_;
};

}  // namespace vrnn
