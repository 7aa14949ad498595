// One time step of one sequence: out = act(clip(projected + b_hh + h_prev W_hh^T)).
// The projected input already holds x W_ih^T + b_ih. This is the kernel's inner loop.
#pragma once

#include <cstddef>

#include "activation.h"

namespace vrnn {

struct StepWeights {
  const float* w_hh_t;  // [H, H], transposed so that row k holds W_hh[:, k]: the inner loop is contiguous
  const float* b_hh;    // [H]
  std::size_t hidden;   // H
  Activation activation;
  float clip;
};

void RecurrentStep(const StepWeights& weights, const float* projected, const float* h_prev, float* out);

}  // namespace vrnn
