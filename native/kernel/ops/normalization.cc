#include "normalization.h"

#include <cmath>

namespace vrnn {
namespace {

struct Moments {
  double mean;
  double variance;
};

// Two passes in double: the mean first, then the squared deviations from it, which keeps the
// variance accurate when the mean is large against the spread.
Moments RowMoments(const float* x, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i] - mean;
    squares += d * d;
  }
  return {mean, squares / static_cast<double>(n)};
}

}  // namespace

void LayerNorm(const LayerNormArgs& a) {
  if (a.cols == 0) return;
  for (std::size_t r = 0; r < a.rows; ++r) {
    const float* x = a.x + r * a.cols;
    float* out = a.out + r * a.cols;
    const Moments m = RowMoments(x, a.cols);
    // In double: the row's mean is no float32, and rounding it would shift every deviation by as
    // much, which matters when the mean is large against the spread.
    const double inv_std = 1.0 / std::sqrt(m.variance + static_cast<double>(a.epsilon));
    for (std::size_t c = 0; c < a.cols; ++c) out[c] = static_cast<float>((x[c] - m.mean) * inv_std);
    if (a.scale != nullptr) {
      for (std::size_t c = 0; c < a.cols; ++c) out[c] *= a.scale[c];
    }
    if (a.bias != nullptr) {
      for (std::size_t c = 0; c < a.cols; ++c) out[c] += a.bias[c];
    }
  }
}

void BatchNorm(const BatchNormArgs& a) {
  const AxisView& v = a.view;
  for (std::size_t o = 0; o < v.outer; ++o) {
    for (std::size_t c = 0; c < v.size; ++c) {
      const double scale = a.scale != nullptr ? a.scale[c] : 1.0;
      const float factor = static_cast<float>(scale / std::sqrt(static_cast<double>(a.variance[c]) + a.epsilon));
      const float mean = a.mean[c];
      const float bias = a.bias != nullptr ? a.bias[c] : 0.0f;
      const std::size_t base = (o * v.size + c) * v.inner;
      const float* x = a.x + base;
      float* out = a.out + base;
      for (std::size_t i = 0; i < v.inner; ++i) out[i] = (x[i] - mean) * factor + bias;
    }
  }
}

}  // namespace vrnn
