// Softmax and log-softmax along one axis of x seen as [outer, size, inner]. The maximum is
// subtracted first, so exp never overflows; a NaN anywhere along the axis makes that whole slice NaN
// (as PyTorch). `out` may be `x` itself.
#pragma once

#include "axis_view.h"

namespace vrnn {

struct SoftmaxArgs {
  const float* x = nullptr;
  AxisView view;
  bool log = false;
  float* out = nullptr;
};

void Softmax(const SoftmaxArgs& args);

}  // namespace vrnn
