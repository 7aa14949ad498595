// The input projection X W_ih^T + b_ih for every time step at once: one sgemm per layer and
// direction, the part of the work that runs at the machine's GEMM peak.
#pragma once

#include <cstddef>
#include <cstdint>

#include "row_layout.h"

namespace vrnn {

struct ProjectionArgs {
  const float* input;       // rows of `input_width` floats, laid out by `layout`
  std::size_t input_width;  // D for the first layer, nd*H after it
  std::size_t input_stride; // floats between rows (>= input_width)
  RowLayout layout;
  const int32_t* lengths;   // nullptr: every sequence has all T steps
  const float* w_ih;        // [H, input_width]
  const float* b_ih;        // [H]
  std::size_t hidden;       // H
  float* projection;        // [T*B, H] in `layout`
};

// Rows past a sequence's length are skipped (left unwritten), so work follows the sum of lengths.
void ProjectInputs(const ProjectionArgs& args);

}  // namespace vrnn
