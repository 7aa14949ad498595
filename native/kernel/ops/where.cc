#include "where.h"

#include <cstdint>

namespace vrnn {
namespace {

template <typename Cond>
void Row(const Cond* c, std::ptrdiff_t sc, const float* x, std::ptrdiff_t sx, const float* y, std::ptrdiff_t sy,
         float* out, std::size_t n) {
  if (sc == 1 && sx == 1 && sy == 1) {
    // Both loads unconditional, so that the select vectorizes (a load under the condition would not).
    for (std::size_t i = 0; i < n; ++i) {
      const float picked = x[i];
      const float other = y[i];
      out[i] = c[i] != 0 ? picked : other;
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::ptrdiff_t j = static_cast<std::ptrdiff_t>(i);
    out[i] = c[j * sc] != 0 ? x[j * sx] : y[j * sy];
  }
}

template <typename Cond>
void Run(const WhereArgs& a) {
  if (ElementCount(a.loop) == 0) return;
  const StridedLoop<3> loop = Collapsed(a.loop);
  const Cond* condition = static_cast<const Cond*>(a.condition);
  const std::ptrdiff_t sc = InnerStride(loop, 0);
  const std::ptrdiff_t sx = InnerStride(loop, 1);
  const std::ptrdiff_t sy = InnerStride(loop, 2);
  ForEachRow(loop, [&](const std::ptrdiff_t* offsets, std::size_t first, std::size_t n) {
    Row(condition + offsets[0], sc, a.x + offsets[1], sx, a.y + offsets[2], sy, a.out + first, n);
  });
}

}  // namespace

void Where(const WhereArgs& a) {
  switch (a.condition_type) {
    case ElementType::kUint8: Run<std::uint8_t>(a); break;
    case ElementType::kInt32: Run<std::int32_t>(a); break;
    case ElementType::kFloat32: Run<float>(a); break;
    case ElementType::kFloat64: Run<double>(a); break;
  }
}

}  // namespace vrnn
