// The portable step: plain loops the compiler vectorizes for the baseline ISA (SSE2, NEON).
#include <cmath>

#include "step_kernel.h"

namespace vrnn {

void StepPortable(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  const std::size_t width = col_end - col_begin;
  for (std::size_t r = 0; r < rows.count; ++r) {
    float* out = rows.out[r] + col_begin;
    const float* h = rows.h_prev[r];
    for (std::size_t j = 0; j < width; ++j) out[j] = 0.0f;
    for (std::size_t k = 0; k < w.hidden; ++k) {
      const float hk = h[k];
      const float* w_row = w.w_hh_t + k * w.stride + col_begin;
      for (std::size_t j = 0; j < width; ++j) out[j] += hk * w_row[j];
    }
    const float* p = rows.projected[r] + col_begin;
    const float* b = w.b_hh + col_begin;
    for (std::size_t j = 0; j < width; ++j) out[j] += p[j] + b[j];
    ClipAndActivateRow(w.activation, w.clip, out, width);
  }
}

}  // namespace vrnn
