#include "reduce.h"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace vrnn {
namespace {

// Columns of `inner` are reduced a block at a time: the accumulators stay on the stack and in
// cache, and the innermost loop runs along contiguous memory, where the compiler vectorizes it.
constexpr std::size_t kBlock = 256;

inline float Max(float x, float y) { return (x > y || x != x) ? x : y; }
inline float Min(float x, float y) { return (x < y || x != x) ? x : y; }

struct Block {
  const float* x;             // element [o, 0, first column]
  const std::uint8_t* mask;   // mask row [o, :], or nullptr
  std::size_t size;
  std::size_t inner;
  std::size_t width;          // columns in this block
};

void SumBlock(const Block& b, double* acc) {
  for (std::size_t c = 0; c < b.width; ++c) acc[c] = 0.0;
  for (std::size_t s = 0; s < b.size; ++s) {
    if (b.mask != nullptr && b.mask[s] == 0) continue;
    const float* row = b.x + s * b.inner;
    for (std::size_t c = 0; c < b.width; ++c) acc[c] += row[c];
  }
}

template <bool kIsMax>
void ExtremeBlock(const Block& b, float* acc) {
  const float start = kIsMax ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  for (std::size_t c = 0; c < b.width; ++c) acc[c] = start;
  for (std::size_t s = 0; s < b.size; ++s) {
    if (b.mask != nullptr && b.mask[s] == 0) continue;
    const float* row = b.x + s * b.inner;
    for (std::size_t c = 0; c < b.width; ++c) acc[c] = kIsMax ? Max(acc[c], row[c]) : Min(acc[c], row[c]);
  }
}

std::size_t KeptSteps(const std::uint8_t* mask, std::size_t size) {
  if (mask == nullptr) return size;
  std::size_t kept = 0;
  for (std::size_t s = 0; s < size; ++s) kept += mask[s] != 0;
  return kept;
}

// `empty` is written when no step takes part (Sum always gives 0).
void ReduceAll(ReduceKind kind, const float* x, const std::uint8_t* mask, const AxisView& v, float empty, float* out) {
  double sums[kBlock];
  float extremes[kBlock];
  for (std::size_t o = 0; o < v.outer; ++o) {
    const std::uint8_t* mask_row = mask == nullptr ? nullptr : mask + o * v.size;
    const std::size_t kept = KeptSteps(mask_row, v.size);
    for (std::size_t first = 0; first < v.inner; first += kBlock) {
      const Block block{x + o * v.size * v.inner + first, mask_row, v.size, v.inner, std::min(kBlock, v.inner - first)};
      float* dst = out + o * v.inner + first;
      if (kind == ReduceKind::kSum || kind == ReduceKind::kMean) {
        SumBlock(block, sums);
        const double divisor = kind == ReduceKind::kMean ? static_cast<double>(kept) : 1.0;
        for (std::size_t c = 0; c < block.width; ++c) dst[c] = static_cast<float>(sums[c] / divisor);
      } else if (kind == ReduceKind::kMax) {
        ExtremeBlock<true>(block, extremes);
        for (std::size_t c = 0; c < block.width; ++c) dst[c] = extremes[c];
      } else {
        ExtremeBlock<false>(block, extremes);
        for (std::size_t c = 0; c < block.width; ++c) dst[c] = extremes[c];
      }
      if (kept == 0 && kind != ReduceKind::kSum) {
        for (std::size_t c = 0; c < block.width; ++c) dst[c] = empty;
      }
    }
  }
}

float EmptyIdentity(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::kMax: return -std::numeric_limits<float>::infinity();
    case ReduceKind::kMin: return std::numeric_limits<float>::infinity();
    case ReduceKind::kMean: return std::numeric_limits<float>::quiet_NaN();
    case ReduceKind::kSum: break;
  }
  return 0.0f;
}

}  // namespace

void Reduce(const ReduceArgs& a) { ReduceAll(a.kind, a.x, nullptr, a.view, EmptyIdentity(a.kind), a.out); }

void MaskedReduce(const MaskedReduceArgs& a) { ReduceAll(a.kind, a.x, a.mask, a.view, a.empty_value, a.out); }

}  // namespace vrnn
