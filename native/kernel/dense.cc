#include "dense.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace vrnn {
namespace {

// Subtracting the row maximum keeps exp from overflowing; the result is unchanged.
void SoftmaxRow(float* row, std::size_t n) {
  const float max = *std::max_element(row, row + n);
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    row[i] = std::exp(row[i] - max);
    sum += row[i];
  }
  for (std::size_t i = 0; i < n; ++i) row[i] /= sum;
}

}  // namespace

void DenseForward(const DenseArgs& a) {
  if (a.rows == 0 || a.units == 0) return;
  float beta = 0.0f;
  if (a.bias != nullptr) {
    for (std::size_t r = 0; r < a.rows; ++r) std::memcpy(a.output + r * a.units, a.bias, a.units * sizeof(float));
    beta = 1.0f;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(a.rows), static_cast<blasint>(a.units),
              static_cast<blasint>(a.in), 1.0f, a.input, static_cast<blasint>(a.in), a.kernel,
              static_cast<blasint>(a.units), beta, a.output, static_cast<blasint>(a.units));
  const float no_clip = std::numeric_limits<float>::infinity();
  for (std::size_t r = 0; r < a.rows; ++r) {
    float* row = a.output + r * a.units;
    if (a.softmax) {
      SoftmaxRow(row, a.units);
    } else {
      ClipAndActivateRow(a.activation, no_clip, row, a.units);
    }
  }
}

}  // namespace vrnn
