#include "recurrent_step.h"

namespace vrnn {

void RecurrentStep(const StepWeights& w, const float* projected, const float* h_prev, float* out) {
  const std::size_t h = w.hidden;
  for (std::size_t j = 0; j < h; ++j) out[j] = projected[j] + w.b_hh[j];
  // Row-by-row over W_hh^T: each pass is a contiguous multiply-add the compiler vectorizes.
  for (std::size_t k = 0; k < h; ++k) {
    const float hk = h_prev[k];
    const float* w_row = w.w_hh_t + k * h;
    for (std::size_t j = 0; j < h; ++j) out[j] += hk * w_row[j];
  }
  ClipAndActivateRow(w.activation, w.clip, out, h);
}

}  // namespace vrnn
