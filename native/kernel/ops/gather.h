// Rows of a 2-D table picked by index (Keras Embedding, ONNX Gather along axis 0):
// out[i, :] = table[indices[i], :].
#pragma once

#include <cstddef>
#include <cstdint>

namespace vrnn {

struct GatherRowsArgs {
  const float* table = nullptr;  // [rows, cols]
  std::size_t rows = 0;
  std::size_t cols = 0;
  const std::int32_t* indices = nullptr;  // [count], each in [0, rows): check with FirstIndexOutOfRange
  std::size_t count = 0;
  float* out = nullptr;  // [count, cols]
};

// The position of the first index outside [0, rows), or `count` when there is none.
std::size_t FirstIndexOutOfRange(const std::int32_t* indices, std::size_t count, std::size_t rows);

void GatherRows(const GatherRowsArgs& args);

}  // namespace vrnn
