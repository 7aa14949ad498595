#include "projection.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>

namespace vrnn {
namespace {

constexpr std::size_t kMaxRowsPerGemm = std::size_t{1} << 30;

bool AllSequencesFull(const ProjectionArgs& a) {
  if (a.lengths == nullptr) return true;
  for (std::size_t b = 0; b < a.layout.batch; ++b) {
    if (static_cast<std::size_t>(a.lengths[b]) != a.layout.steps) return false;
  }
  return true;
}

// C = bias rows, then C += A W_ih^T: folding b_ih into the GEMM's beta keeps PyTorch's grouping
// (x W_ih^T + b_ih) + (h W_hh^T + b_hh). Rows first_row, first_row + row_step, ... of the layout.
void ProjectRows(const ProjectionArgs& a, std::size_t first_row, std::size_t row_count, std::size_t row_step) {
  const std::size_t h = a.hidden;
  const std::size_t lda = row_step * a.input_stride;
  const std::size_t ldc = row_step * h;
  float* out = a.projection + first_row * h;
  const float* in = a.input + first_row * a.input_stride;
  for (std::size_t r = 0; r < row_count; ++r) std::memcpy(out + r * ldc, a.b_ih, h * sizeof(float));
  // BLAS counts rows in a 32-bit int: very long calls go in chunks.
  for (std::size_t done = 0; done < row_count; done += kMaxRowsPerGemm) {
    const std::size_t rows = std::min(kMaxRowsPerGemm, row_count - done);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(rows), static_cast<blasint>(h),
                static_cast<blasint>(a.input_width), 1.0f, in + done * lda, static_cast<blasint>(lda), a.w_ih,
                static_cast<blasint>(a.input_width), 1.0f, out + done * ldc, static_cast<blasint>(ldc));
  }
}

}  // namespace

void ProjectInputs(const ProjectionArgs& a) {
  const RowLayout& layout = a.layout;
  if (layout.RowCount() == 0 || a.hidden == 0) return;
  if (AllSequencesFull(a)) {
    ProjectRows(a, 0, layout.RowCount(), 1);
    return;
  }
  // One GEMM per sequence over its valid rows only; a sequence's rows sit at a fixed stride
  // in either layout, which sgemm's leading dimension expresses without a gather.
  for (std::size_t b = 0; b < layout.batch; ++b) {
    ProjectRows(a, layout.SequenceStart(b), static_cast<std::size_t>(a.lengths[b]), layout.StepStride());
  }
}

}  // namespace vrnn
