// Scratch memory for forward calls, kept between calls so a steady stream of same-sized calls
// allocates nothing. One Workspace serves one call at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "projection_schedule.h"
#include "recurrence.h"

namespace vrnn {

struct Workspace {
  std::vector<float> projections[2];    // per direction: [T*B, H] input projections
  std::vector<float> unit_projections;  // per thread: the next steps' projected rows of its unit (a row split)
  std::vector<float> layer_outputs[2];  // ping-pong outputs of hidden layers: [T*B, nd*H]
  std::vector<float> zeros;             // [H]: the state and output before the first step
  std::vector<int32_t> order;           // [B]: sequences by decreasing length
  std::vector<RecurrenceCursor> cursors;  // [threads * 2]: one per thread and direction
  ProjectionSchedule projection_schedule;

  // Grows a buffer to at least `size` elements; never shrinks, so steady state is allocation-free.
  template <typename T>
  static T* Reserve(std::vector<T>& buffer, std::size_t size) {
    if (buffer.size() < size) buffer.resize(size);
    return buffer.data();
  }
};

}  // namespace vrnn
