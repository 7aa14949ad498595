// The sequential part of one layer and direction: every time step of every sequence in the batch,
// reading the projected inputs and writing each new state straight into the output rows.
#pragma once

#include <cstddef>
#include <cstdint>

#include "recurrent_step.h"
#include "row_layout.h"
#include "workspace.h"

namespace vrnn {

struct RecurrenceArgs {
  StepWeights weights;
  bool reverse;                       // process each sequence from its last valid step to its first
  bool outputs_in_processing_order;   // store step s at row s rather than at its time t
  RowLayout layout;
  const float* projection;            // [T*B, H] in `layout`
  const int32_t* lengths;             // [B] or nullptr (all T)
  const uint8_t* mask;                // [B, T] or nullptr (no step skipped)
  const float* h0;                    // [B, H] or nullptr (zeros)
  float* output;                      // row (t, b) at output + layout.Row(t, b) * output_stride
  std::size_t output_stride;
  float* hn;                          // [B, H]
};

void RunRecurrence(const RecurrenceArgs& args, Workspace& workspace);

}  // namespace vrnn
