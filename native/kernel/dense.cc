#include "dense.h"

#include <cblas.h>

#include <cstring>
#include <limits>

#include "ops/softmax.h"

namespace vrnn {

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
  if (a.softmax) {
    Softmax({a.output, {a.rows, a.units, 1}, false, a.output});
    return;
  }
  const float no_clip = std::numeric_limits<float>::infinity();
  for (std::size_t r = 0; r < a.rows; ++r) ClipAndActivateRow(a.activation, no_clip, a.output + r * a.units, a.units);
}

}  // namespace vrnn
