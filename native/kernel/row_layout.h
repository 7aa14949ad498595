// Where the row for time step t of sequence b lives in a [T, B, W] (time-major) or
// [B, T, W] (batch-first) buffer. Every per-step buffer of a call shares the input's layout.
#pragma once

#include <cstddef>

namespace vrnn {

struct RowLayout {
  std::size_t steps;
  std::size_t batch;
  bool batch_first;

  std::size_t Row(std::size_t t, std::size_t b) const { return batch_first ? b * steps + t : t * batch + b; }
  std::size_t SequenceStart(std::size_t b) const { return batch_first ? b * steps : b; }
  // Rows between consecutive steps of one sequence.
  std::size_t StepStride() const { return batch_first ? 1 : batch; }
  std::size_t RowCount() const { return steps * batch; }
};

}  // namespace vrnn
