// ArgMax and ArgMin along one axis of x seen as [outer, size, inner], into out [outer, inner].
// NaN counts as the extreme (numpy and PyTorch return a NaN's index); ties go to the first index,
// or the last with select_last (ONNX select_last_index). `size` must be at least 1.
#pragma once

#include "axis_view.h"
#include "element_type.h"

namespace vrnn {

struct ArgReduceArgs {
  bool max = true;  // false: ArgMin
  bool select_last = false;
  const float* x = nullptr;
  AxisView view;
  void* out = nullptr;
  ElementType out_type = ElementType::kInt32;  // kInt32 or kFloat64
};

void ArgReduce(const ArgReduceArgs& args);

}  // namespace vrnn
