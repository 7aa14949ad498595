// Matrix products on the addon's sgemm: ONNX Gemm (out = alpha op(A) op(B) + beta C, with C
// broadcast by strides) and the batched MatMul of ONNX and numpy (one sgemm per batch, operands
// broadcast over the batch axes by strides). Sizes must fit BLAS' 32-bit integers; `out` must not
// overlap an operand.
#pragma once

#include <cstddef>

#include "strided_loop.h"

namespace vrnn {

struct GemmArgs {
  const float* a = nullptr;  // [m, k], or [k, m] with trans_a
  bool trans_a = false;
  const float* b = nullptr;  // [k, n], or [n, k] with trans_b
  bool trans_b = false;
  std::size_t m = 0;
  std::size_t n = 0;
  std::size_t k = 0;
  float alpha = 1.0f;
  float beta = 1.0f;
  // C[i, j] is c[i * c_row_stride + j * c_col_stride]: strides 0 broadcast a scalar, a row [n] or a
  // column [m, 1]. nullptr (or beta 0) for none, as in BLAS: C is then not read.
  const float* c = nullptr;
  std::ptrdiff_t c_row_stride = 0;
  std::ptrdiff_t c_col_stride = 0;
  float* out = nullptr;  // [m, n]
};

struct MatMulArgs {
  const float* a = nullptr;  // each batch [m, k], row-major
  const float* b = nullptr;  // each batch [k, n]
  std::size_t m = 0;
  std::size_t n = 0;
  std::size_t k = 0;
  // The batch axes of `out` with the element strides of a (operand 0) and b (operand 1) along them,
  // 0 where one is broadcast. Rank 0 is a single product.
  StridedLoop<2> batch;
  float* out = nullptr;  // [batch..., m, n], contiguous
};

void Gemm(const GemmArgs& args);
void BatchedMatMul(const MatMulArgs& args);

}  // namespace vrnn
