#include "gemm.h"

#include <cblas.h>

#include <algorithm>
#include <climits>

namespace vrnn {
namespace {

blasint Blas(std::size_t value) { return static_cast<blasint>(value); }

// out = alpha a b (+ out when accumulate), both row-major and contiguous.
void Sgemm(const float* a, bool trans_a, const float* b, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
           float alpha, bool accumulate, float* out) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, Blas(m),
              Blas(n), Blas(k), alpha, a, Blas(trans_a ? m : k), b, Blas(trans_b ? k : n), accumulate ? 1.0f : 0.0f,
              out, Blas(n));
}

}  // namespace

void Gemm(const GemmArgs& a) {
  if (a.m == 0 || a.n == 0) return;
  const bool with_c = a.c != nullptr && a.beta != 0.0f;
  if (with_c) {
    for (std::size_t i = 0; i < a.m; ++i) {
      const float* c_row = a.c + static_cast<std::ptrdiff_t>(i) * a.c_row_stride;
      float* out_row = a.out + i * a.n;
      for (std::size_t j = 0; j < a.n; ++j) out_row[j] = a.beta * c_row[static_cast<std::ptrdiff_t>(j) * a.c_col_stride];
    }
  }
  if (a.k == 0) {  // BLAS wants leading dimensions of at least 1; the product is all zeros
    if (!with_c) std::fill(a.out, a.out + a.m * a.n, 0.0f);
    return;
  }
  Sgemm(a.a, a.trans_a, a.b, a.trans_b, a.m, a.n, a.k, a.alpha, with_c, a.out);
}

void BatchedMatMul(const MatMulArgs& a) {
  const std::size_t batches = ElementCount(a.batch);
  const std::size_t product = a.m * a.n;
  if (batches == 0 || product == 0) return;
  if (a.k == 0) {
    std::fill(a.out, a.out + batches * product, 0.0f);
    return;
  }
  const StridedLoop<2> loop = Collapsed(a.batch);
  const std::ptrdiff_t sa = InnerStride(loop, 0);
  const std::ptrdiff_t sb = InnerStride(loop, 1);
  // x [batch, m, k] times one shared [k, n] (a Linear layer over a sequence): the batches of a are
  // rows of one taller matrix, so a single sgemm does them all.
  const bool one_product = loop.rank <= 1 && sb == 0 && (loop.rank == 0 || sa == static_cast<std::ptrdiff_t>(a.m * a.k));
  if (one_product && batches * a.m <= static_cast<std::size_t>(INT_MAX)) {
    Sgemm(a.a, false, a.b, false, batches * a.m, a.n, a.k, 1.0f, false, a.out);
    return;
  }
  ForEachRow(loop, [&](const std::ptrdiff_t* offsets, std::size_t first, std::size_t count) {
    for (std::size_t j = 0; j < count; ++j) {
      const std::ptrdiff_t step = static_cast<std::ptrdiff_t>(j);
      Sgemm(a.a + offsets[0] + step * sa, false, a.b + offsets[1] + step * sb, false, a.m, a.n, a.k, 1.0f, false,
            a.out + (first + j) * product);
    }
  });
}

}  // namespace vrnn
