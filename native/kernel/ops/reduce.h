// Reductions along one axis of x seen as [outer, size, inner], into out [outer, inner]. Sums run in
// double. Max and Min give NaN when the reduced values hold one, as numpy and PyTorch.
#pragma once

#include <cstdint>

#include "axis_view.h"

namespace vrnn {

enum class ReduceKind : int {
  kSum = 0,
  kMean = 1,
  kMax = 2,
  kMin = 3,
};

// Over an empty axis: Sum 0, Mean NaN, Max -infinity, Min +infinity (ONNX's identities).
struct ReduceArgs {
  ReduceKind kind = ReduceKind::kSum;
  const float* x = nullptr;
  AxisView view;
  float* out = nullptr;
};

// Only the steps whose mask [outer, size] is nonzero take part (Keras' mask-aware pooling over
// time); masked values are never read, so a NaN there does not reach the result. A row with no
// step kept gives Sum 0 and `empty_value` for the others.
struct MaskedReduceArgs {
  ReduceKind kind = ReduceKind::kMean;
  const float* x = nullptr;
  const std::uint8_t* mask = nullptr;
  AxisView view;
  float empty_value = 0.0f;
  float* out = nullptr;
};

void Reduce(const ReduceArgs& args);
void MaskedReduce(const MaskedReduceArgs& args);

}  // namespace vrnn
