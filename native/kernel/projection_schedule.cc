#include "projection_schedule.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "spin_wait.h"

namespace vrnn {
namespace {

template <typename T>
void EnsureCapacity(std::unique_ptr<std::atomic<T>[]>& array, std::size_t* capacity, std::size_t size) {
  if (*capacity >= size) return;
  array = std::make_unique<std::atomic<T>[]>(size);
  *capacity = size;
}

}  // namespace

void ProjectionSchedule::Plan(const ProjectionArgs shapes[2], int num_layers, int num_directions) {
  task_count_ = ProjectionTaskCount(shapes[0]);
  for (int dir = 0; dir < num_directions; ++dir) {
    DirectionOrder& order = orders_[dir];
    std::vector<std::size_t>& first_step = scratch_steps_;
    first_step.resize(task_count_);
    for (std::size_t task = 0; task < task_count_; ++task) first_step[task] = ProjectionTaskFirstStep(shapes[dir], task);
    order.tasks.resize(task_count_);
    std::iota(order.tasks.begin(), order.tasks.end(), std::size_t{0});
    std::stable_sort(order.tasks.begin(), order.tasks.end(),
                     [&](std::size_t a, std::size_t b) { return first_step[a] < first_step[b]; });
    order.first_step.resize(task_count_);
    for (std::size_t i = 0; i < task_count_; ++i) order.first_step[i] = first_step[order.tasks[i]];
  }
  const std::size_t slots = static_cast<std::size_t>(num_layers) * 2;
  EnsureCapacity(claims_, &claims_capacity_, slots);
  EnsureCapacity(done_, &done_capacity_, slots * task_count_);
  for (std::size_t i = 0; i < slots; ++i) claims_[i].store(0, std::memory_order_relaxed);
  for (std::size_t i = 0; i < slots * task_count_; ++i) done_[i].store(0, std::memory_order_relaxed);
}

bool ProjectionSchedule::RunNextTask(int layer, int dir, const ProjectionArgs& args) {
  const std::size_t position = NextClaim(layer, dir).fetch_add(1, std::memory_order_relaxed);
  if (position >= task_count_) return false;
  RunProjectionTask(args, orders_[dir].tasks[position]);
  Done(layer, dir, position).store(1, std::memory_order_release);
  return true;
}

void ProjectionSchedule::AwaitStep(int layer, int dir, std::size_t step, const ProjectionArgs& args,
                                   std::size_t* ready) {
  const std::vector<std::size_t>& first_step = orders_[dir].first_step;
  const std::size_t needed = std::upper_bound(first_step.begin(), first_step.end(), step) - first_step.begin();
  SpinUntil([&] {
    while (*ready < needed && Done(layer, dir, *ready).load(std::memory_order_acquire) != 0) ++*ready;
    if (*ready >= needed) return true;
    // A needed task nobody has claimed yet: run it rather than wait. (Not an unneeded one while a
    // needed one runs elsewhere: this thread is the recurrence, the critical path.)
    if (NextClaim(layer, dir).load(std::memory_order_relaxed) < needed) RunNextTask(layer, dir, args);
    return false;
  });
}

void ProjectionSchedule::AwaitAll(int layer, int dir, const ProjectionArgs& args) {
  std::size_t ready = 0;
  AwaitStep(layer, dir, SIZE_MAX - 1, args, &ready);
}

}  // namespace vrnn
