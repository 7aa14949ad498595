#include "softmax.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace vrnn {
namespace {

constexpr std::size_t kBlock = 64;

inline float Max(float x, float y) { return (x > y || x != x) ? x : y; }

// Along a contiguous row (inner == 1, the usual last axis).
void Row(const float* x, std::size_t n, bool log, float* out) {
  float max = -std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < n; ++i) max = Max(max, x[i]);
  double sum = 0.0;
  if (log) {
    for (std::size_t i = 0; i < n; ++i) sum += std::exp(x[i] - max);
    const float log_sum = static_cast<float>(std::log(sum));
    for (std::size_t i = 0; i < n; ++i) out[i] = (x[i] - max) - log_sum;
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = std::exp(x[i] - max);
    sum += out[i];
  }
  const float total = static_cast<float>(sum);
  for (std::size_t i = 0; i < n; ++i) out[i] /= total;
}

// `width` columns spaced `inner` apart along the axis, a block at a time.
void Columns(const float* x, std::size_t size, std::size_t inner, std::size_t width, bool log, float* out) {
  float max[kBlock];
  double sum[kBlock];
  for (std::size_t c = 0; c < width; ++c) {
    max[c] = -std::numeric_limits<float>::infinity();
    sum[c] = 0.0;
  }
  for (std::size_t s = 0; s < size; ++s) {
    for (std::size_t c = 0; c < width; ++c) max[c] = Max(max[c], x[s * inner + c]);
  }
  for (std::size_t s = 0; s < size; ++s) {
    for (std::size_t c = 0; c < width; ++c) {
      const float e = std::exp(x[s * inner + c] - max[c]);
      if (!log) out[s * inner + c] = e;
      sum[c] += e;
    }
  }
  if (log) {
    float log_sum[kBlock];
    for (std::size_t c = 0; c < width; ++c) log_sum[c] = static_cast<float>(std::log(sum[c]));
    for (std::size_t s = 0; s < size; ++s) {
      for (std::size_t c = 0; c < width; ++c) out[s * inner + c] = (x[s * inner + c] - max[c]) - log_sum[c];
    }
    return;
  }
  float total[kBlock];
  for (std::size_t c = 0; c < width; ++c) total[c] = static_cast<float>(sum[c]);
  for (std::size_t s = 0; s < size; ++s) {
    for (std::size_t c = 0; c < width; ++c) out[s * inner + c] /= total[c];
  }
}

}  // namespace

void Softmax(const SoftmaxArgs& a) {
  const AxisView& v = a.view;
  for (std::size_t o = 0; o < v.outer; ++o) {
    const std::size_t base = o * v.size * v.inner;
    if (v.inner == 1) {
      Row(a.x + base, v.size, a.log, a.out + base);
      continue;
    }
    for (std::size_t first = 0; first < v.inner; first += kBlock) {
      Columns(a.x + base + first, v.size, v.inner, std::min(kBlock, v.inner - first), a.log, a.out + base + first);
    }
  }
}

}  // namespace vrnn
