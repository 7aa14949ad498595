#include "binary.h"

#include <cmath>
#include <cstdint>

namespace vrnn {
namespace {

// One run of the innermost axis. The contiguous and broadcast-scalar cases get loops of their own
// so that the compiler vectorizes them; anything else is strided.
template <typename Out, typename Op>
void Row(Op op, const float* a, std::ptrdiff_t sa, const float* b, std::ptrdiff_t sb, Out* out, std::size_t n) {
  if (sa == 1 && sb == 1) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Out>(op(a[i], b[i]));
  } else if (sa == 1 && sb == 0) {
    const float bv = *b;
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Out>(op(a[i], bv));
  } else if (sa == 0 && sb == 1) {
    const float av = *a;
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Out>(op(av, b[i]));
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = static_cast<Out>(op(a[static_cast<std::ptrdiff_t>(i) * sa], b[static_cast<std::ptrdiff_t>(i) * sb]));
    }
  }
}

template <typename Out, typename Op>
void Run(const StridedLoop<2>& loop, const float* a, const float* b, Out* out, Op op) {
  if (ElementCount(loop) == 0) return;
  const StridedLoop<2> c = Collapsed(loop);
  const std::ptrdiff_t sa = InnerStride(c, 0);
  const std::ptrdiff_t sb = InnerStride(c, 1);
  ForEachRow(c, [&](const std::ptrdiff_t* offsets, std::size_t first, std::size_t n) {
    Row<Out>(op, a + offsets[0], sa, b + offsets[1], sb, out + first, n);
  });
}

// Written as selects so that NaN in either operand wins, and the loops still vectorize.
inline float Max(float x, float y) { return (x > y || x != x) ? x : y; }
inline float Min(float x, float y) { return (x < y || x != x) ? x : y; }

template <typename Out>
void RunCompare(const CompareArgs& a, Out* out) {
  switch (a.kind) {
    case CompareKind::kEqual: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x == y; }); break;
    case CompareKind::kLess: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x < y; }); break;
    case CompareKind::kLessOrEqual: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x <= y; }); break;
    case CompareKind::kGreater: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x > y; }); break;
    case CompareKind::kGreaterOrEqual: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x >= y; }); break;
  }
}

}  // namespace

void Binary(const BinaryArgs& a) {
  float* out = a.out;
  switch (a.kind) {
    case BinaryKind::kAdd: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x + y; }); break;
    case BinaryKind::kSub: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x - y; }); break;
    case BinaryKind::kMul: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x * y; }); break;
    case BinaryKind::kDiv: Run(a.loop, a.a, a.b, out, [](float x, float y) { return x / y; }); break;
    case BinaryKind::kPow: Run(a.loop, a.a, a.b, out, [](float x, float y) { return std::pow(x, y); }); break;
    case BinaryKind::kMax: Run(a.loop, a.a, a.b, out, Max); break;
    case BinaryKind::kMin: Run(a.loop, a.a, a.b, out, Min); break;
    case BinaryKind::kPRelu: Run(a.loop, a.a, a.b, out, [](float x, float slope) { return x < 0.0f ? slope * x : x; }); break;
  }
}

void Compare(const CompareArgs& a) {
  switch (a.out_type) {
    case ElementType::kUint8: RunCompare(a, static_cast<std::uint8_t*>(a.out)); break;
    case ElementType::kInt32: RunCompare(a, static_cast<std::int32_t*>(a.out)); break;
    case ElementType::kFloat32: RunCompare(a, static_cast<float*>(a.out)); break;
    case ElementType::kFloat64: RunCompare(a, static_cast<double*>(a.out)); break;
  }
}

}  // namespace vrnn
