// A contiguous tensor seen as [outer, size, inner] around the one axis an op works along
// (reductions, softmax, argmax, batch normalization's channels).
#pragma once

#include <cstddef>

namespace vrnn {

struct AxisView {
  std::size_t outer = 1;
  std::size_t size = 1;
  std::size_t inner = 1;
};

}  // namespace vrnn
