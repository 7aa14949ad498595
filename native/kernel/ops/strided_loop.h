// Walking an output shape while N operands move through their own memory by per-axis strides:
// numpy broadcasting (stride 0 where an operand is broadcast) for elementwise ops and the batch axes
// of a batched MatMul. The output itself is contiguous, row-major.
#pragma once

#include <cstddef>

namespace vrnn {

constexpr int kMaxRank = 8;

template <std::size_t N>
struct StridedLoop {
  int rank = 0;
  std::size_t dims[kMaxRank] = {};
  std::ptrdiff_t strides[N][kMaxRank] = {};  // in elements, per operand and output axis
};

template <std::size_t N>
std::size_t ElementCount(const StridedLoop<N>& loop) {
  std::size_t count = 1;
  for (int axis = 0; axis < loop.rank; ++axis) count *= loop.dims[axis];
  return count;
}

// The same walk with fewer, longer axes: axes of length 1 dropped, and neighbours merged where every
// operand steps through them as through one axis. The innermost loop then runs as long as it can
// over a single stride per operand, which the row functions specialise (and the compiler vectorizes).
template <std::size_t N>
StridedLoop<N> Collapsed(const StridedLoop<N>& loop) {
  StridedLoop<N> out;
  for (int axis = 0; axis < loop.rank; ++axis) {
    const std::size_t dim = loop.dims[axis];
    if (dim == 1) continue;
    bool merges = out.rank > 0;
    for (std::size_t k = 0; k < N && merges; ++k) {
      merges = loop.strides[k][axis] * static_cast<std::ptrdiff_t>(dim) == out.strides[k][out.rank - 1];
    }
    if (merges) {
      out.dims[out.rank - 1] *= dim;
      for (std::size_t k = 0; k < N; ++k) out.strides[k][out.rank - 1] = loop.strides[k][axis];
      continue;
    }
    out.dims[out.rank] = dim;
    for (std::size_t k = 0; k < N; ++k) out.strides[k][out.rank] = loop.strides[k][axis];
    ++out.rank;
  }
  return out;
}

// Calls row(offsets, first, count) for each run along the innermost axis: `offsets` holds each
// operand's element offset at the run's start, `first` the run's first output index. Rank 0 is one
// element.
template <std::size_t N, typename Row>
void ForEachRow(const StridedLoop<N>& loop, Row row) {
  std::ptrdiff_t offsets[N] = {};
  if (loop.rank == 0) {
    row(offsets, std::size_t{0}, std::size_t{1});
    return;
  }
  const int last = loop.rank - 1;
  const std::size_t count = loop.dims[last];
  std::size_t rows = 1;
  for (int axis = 0; axis < last; ++axis) rows *= loop.dims[axis];
  std::size_t index[kMaxRank] = {};
  for (std::size_t r = 0; r < rows; ++r) {
    row(offsets, r * count, count);
    for (int axis = last - 1; axis >= 0; --axis) {
      for (std::size_t k = 0; k < N; ++k) offsets[k] += loop.strides[k][axis];
      if (++index[axis] < loop.dims[axis]) break;
      for (std::size_t k = 0; k < N; ++k) offsets[k] -= loop.strides[k][axis] * static_cast<std::ptrdiff_t>(loop.dims[axis]);
      index[axis] = 0;
    }
  }
}

// The stride of operand k along the innermost axis (0 at rank 0).
template <std::size_t N>
std::ptrdiff_t InnerStride(const StridedLoop<N>& loop, std::size_t k) {
  return loop.rank == 0 ? 0 : loop.strides[k][loop.rank - 1];
}

}  // namespace vrnn
