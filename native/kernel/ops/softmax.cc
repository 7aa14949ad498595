#include "softmax.h"

// GCC if-converts ExpBelowZero's selects, and so vectorizes its loops, only when it may assume that
// float operations do not trap (they never do here: nothing enables floating-point exceptions).
// The values computed do not change.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include "exp_below_zero.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace vrnn {
namespace {

constexpr std::size_t kBlock = 64;

inline float Max(float x, float y) { return (x > y || x != x) ? x : y; }

// Along a contiguous row (inner == 1, the usual last axis). The exponentials go through `out`
// first, so their loop vectorizes; the sum keeps four partial sums in double.
void Row(const float* x, std::size_t n, bool log, float* out) {
  float max = -std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < n; ++i) max = Max(max, x[i]);
  for (std::size_t i = 0; i < n; ++i) out[i] = ExpBelowZero(x[i] - max);
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (std::size_t k = 0; k < 4; ++k) partial[k] += out[i + k];
  }
  for (; i < n; ++i) partial[0] += out[i];
  const double sum = (partial[0] + partial[1]) + (partial[2] + partial[3]);
  if (log) {
    const float log_sum = static_cast<float>(std::log(sum));
    for (std::size_t j = 0; j < n; ++j) out[j] = (x[j] - max) - log_sum;
    return;
  }
  const float total = static_cast<float>(sum);
  for (std::size_t j = 0; j < n; ++j) out[j] /= total;
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
      const float e = ExpBelowZero(x[s * inner + c] - max[c]);
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
