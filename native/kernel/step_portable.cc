// The portable step: plain loops the compiler vectorizes for the baseline ISA (SSE2, NEON).
#include <cmath>

#include "step_kernel.h"

namespace vrnn {

namespace {

void SumPanel(const float* panel_base, const float* h, std::size_t depth, float* out, std::size_t begin,
              std::size_t end) {
  for (std::size_t j = begin; j < end; ++j) out[j] = 0.0f;
  for (std::size_t k = 0; k < depth; ++k) {
    const float hk = h[k];
    const float* w_row = panel_base + k * PanelStride(depth);
    for (std::size_t j = begin; j < end; ++j) out[j] += hk * w_row[j];
  }
}

}  // namespace

void StepPortable(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  const std::size_t width = col_end - col_begin;
  for (std::size_t r = 0; r < rows.count; ++r) {
    ForEachPanel(w, col_begin, col_end, [&](const float* base, std::size_t begin, std::size_t end) {
      SumPanel(base, rows.h_prev[r], w.depth, rows.out[r], begin, end);
    });
    float* out = rows.out[r] + col_begin;
    const float* p = rows.projected[r] + col_begin;
    const float* b = w.bias + col_begin;
    for (std::size_t j = 0; j < width; ++j) out[j] += p[j] + b[j];
    ClipAndActivateRow(w.activation, w.clip, out, width);
  }
}

}  // namespace vrnn
