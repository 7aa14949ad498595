// Where(condition, x, y): x where the condition is nonzero, else y, all three broadcast together
// (loop operands 0, 1, 2). `out` is contiguous over the loop's shape and may be x or y itself when
// that operand is not broadcast.
#pragma once

#include "element_type.h"
#include "strided_loop.h"

namespace vrnn {

struct WhereArgs {
  const void* condition = nullptr;
  ElementType condition_type = ElementType::kUint8;
  const float* x = nullptr;
  const float* y = nullptr;
  float* out = nullptr;
  StridedLoop<3> loop;
};

void Where(const WhereArgs& args);

}  // namespace vrnn
