#include "arg_reduce.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace vrnn {
namespace {

constexpr std::size_t kBlock = 256;

// Whether `value` at a later index takes the place of `best`.
template <bool kIsMax, bool kLast>
inline bool Replaces(float value, float best) {
  if (best != best) return kLast && value != value;
  if (value != value) return true;
  if (kIsMax) return kLast ? value >= best : value > best;
  return kLast ? value <= best : value < best;
}

template <bool kIsMax, bool kLast, typename Index>
void Run(const float* x, const AxisView& v, Index* out) {
  float best[kBlock];
  std::size_t where[kBlock];
  for (std::size_t o = 0; o < v.outer; ++o) {
    const float* slice = x + o * v.size * v.inner;
    for (std::size_t first = 0; first < v.inner; first += kBlock) {
      const std::size_t width = std::min(kBlock, v.inner - first);
      for (std::size_t c = 0; c < width; ++c) {
        best[c] = slice[first + c];
        where[c] = 0;
      }
      for (std::size_t s = 1; s < v.size; ++s) {
        const float* row = slice + s * v.inner + first;
        for (std::size_t c = 0; c < width; ++c) {
          if (Replaces<kIsMax, kLast>(row[c], best[c])) {
            best[c] = row[c];
            where[c] = s;
          }
        }
      }
      for (std::size_t c = 0; c < width; ++c) out[o * v.inner + first + c] = static_cast<Index>(where[c]);
    }
  }
}

template <typename Index>
void Dispatch(const ArgReduceArgs& a, Index* out) {
  if (a.max) {
    a.select_last ? Run<true, true>(a.x, a.view, out) : Run<true, false>(a.x, a.view, out);
  } else {
    a.select_last ? Run<false, true>(a.x, a.view, out) : Run<false, false>(a.x, a.view, out);
  }
}

}  // namespace

void ArgReduce(const ArgReduceArgs& a) {
  if (a.view.size == 0) return;
  if (a.out_type == ElementType::kFloat64) {
    Dispatch(a, static_cast<double*>(a.out));
  } else {
    Dispatch(a, static_cast<std::int32_t*>(a.out));
  }
}

}  // namespace vrnn
