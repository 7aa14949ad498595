// The input projection served to the recurrence as it needs it. Each direction's projection
// tasks are claimed in the order the recurrence reads their rows and marked done when written,
// so the recurrence starts on the first rows while other threads project the rest, and a
// thread that needs rows nobody has claimed yet projects them itself (one thread alone simply
// alternates). Which thread runs a task never changes its result: the tasks follow the shapes.
//
// Kept in the Workspace: planned once per call (the only allocation), then lock-free.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "projection.h"

namespace vrnn {

class ProjectionSchedule {
 public:
  // Orders the tasks of every layer and direction of a call and marks none done. Task structure
  // depends on the layout, lengths and direction only, so one order per direction serves every layer.
  void Plan(const ProjectionArgs shapes[2], int num_layers, int num_directions);

  // Claims and runs the next task `dir` needs; false when every task is claimed.
  bool RunNextTask(int layer, int dir, const ProjectionArgs& args);

  // Returns once every task whose rows processing step `step` reads is done, running unclaimed
  // ones on this thread. `ready` is the caller's count of tasks known done (start it at 0).
  void AwaitStep(int layer, int dir, std::size_t step, const ProjectionArgs& args, std::size_t* ready);
  // The same for every step at once.
  void AwaitAll(int layer, int dir, const ProjectionArgs& args);

 private:
  struct DirectionOrder {
    std::vector<std::size_t> tasks;       // claim order: by the first step that reads them
    std::vector<std::size_t> first_step;  // first_step[i]: that step for tasks[i] (non-decreasing)
  };

  std::atomic<std::size_t>& NextClaim(int layer, int dir) { return claims_[layer * 2 + dir]; }
  std::atomic<uint8_t>& Done(int layer, int dir, std::size_t position) {
    return done_[(static_cast<std::size_t>(layer) * 2 + dir) * task_count_ + position];
  }

  DirectionOrder orders_[2];
  std::vector<std::size_t> scratch_steps_;  // by task, while planning
  std::size_t task_count_ = 0;  // per layer and direction
  std::unique_ptr<std::atomic<std::size_t>[]> claims_;
  std::unique_ptr<std::atomic<uint8_t>[]> done_;  // by claim position
  std::size_t claims_capacity_ = 0;
  std::size_t done_capacity_ = 0;
};

}  // namespace vrnn
