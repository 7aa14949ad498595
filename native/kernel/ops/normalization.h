// Layer normalization (Keras LayerNormalization over the last axis, ONNX LayerNormalization, PyTorch
// nn.LayerNorm) and batch normalization in inference form (Keras BatchNormalization, ONNX
// BatchNormalization with the running statistics). `out` may be `x` itself.
#pragma once

#include <cstddef>

#include "axis_view.h"

namespace vrnn {

// Each of `rows` rows of `cols` values: (x - mean) / sqrt(variance + epsilon) * scale + bias, with the
// mean and the (biased) variance of the row computed in double.
struct LayerNormArgs {
  const float* x = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  const float* scale = nullptr;  // [cols], or nullptr for 1
  const float* bias = nullptr;   // [cols], or nullptr for 0
  float epsilon = 0.0f;
  float* out = nullptr;
};

// x seen as [outer, channels, inner]: (x - mean[c]) * scale[c] / sqrt(variance[c] + epsilon) + bias[c].
struct BatchNormArgs {
  const float* x = nullptr;
  AxisView view;                 // view.size is the channel count
  const float* scale = nullptr;  // [channels], or nullptr for 1
  const float* bias = nullptr;   // [channels], or nullptr for 0
  const float* mean = nullptr;   // [channels]
  const float* variance = nullptr;
  float epsilon = 0.0f;
  float* out = nullptr;
};

void LayerNorm(const LayerNormArgs& args);
void BatchNorm(const BatchNormArgs& args);

}  // namespace vrnn
