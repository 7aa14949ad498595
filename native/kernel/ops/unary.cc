#include "unary.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace vrnn {
namespace {

template <typename Fn>
void Map(const float* x, float* out, std::size_t n, Fn fn) {
  for (std::size_t i = 0; i < n; ++i) out[i] = fn(x[i]);
}

float Gelu(float x) { return 0.5f * x * (1.0f + std::erf(x * static_cast<float>(M_SQRT1_2))); }

float GeluTanh(float x) {
  const float sqrt_2_over_pi = 0.7978845608028654f;
  return 0.5f * x * (1.0f + std::tanh(sqrt_2_over_pi * (x + 0.044715f * x * x * x)));
}

}  // namespace

void Unary(const UnaryArgs& a) {
  const float* x = a.x;
  float* out = a.out;
  const std::size_t n = a.count;
  switch (a.kind) {
    case UnaryKind::kActivation:
      if (out != x && n > 0) std::memcpy(out, x, n * sizeof(float));
      ClipAndActivateRow(a.activation, std::numeric_limits<float>::infinity(), out, n);
      break;
    case UnaryKind::kIdentity:
      if (out != x && n > 0) std::memcpy(out, x, n * sizeof(float));
      break;
    case UnaryKind::kExp: Map(x, out, n, [](float v) { return std::exp(v); }); break;
    case UnaryKind::kLog: Map(x, out, n, [](float v) { return std::log(v); }); break;
    case UnaryKind::kNeg: Map(x, out, n, [](float v) { return -v; }); break;
    case UnaryKind::kAbs: Map(x, out, n, [](float v) { return std::fabs(v); }); break;
    case UnaryKind::kSqrt: Map(x, out, n, [](float v) { return std::sqrt(v); }); break;
    case UnaryKind::kReciprocal: Map(x, out, n, [](float v) { return 1.0f / v; }); break;
    case UnaryKind::kErf: Map(x, out, n, [](float v) { return std::erf(v); }); break;
    case UnaryKind::kGelu: Map(x, out, n, Gelu); break;
    case UnaryKind::kGeluTanh: Map(x, out, n, GeluTanh); break;
    case UnaryKind::kSilu: Map(x, out, n, [](float v) { return v * Sigmoid(v); }); break;
    case UnaryKind::kHardSwish: Map(x, out, n, [](float v) { return v * HardSigmoid(v, 1.0f / 6.0f, 0.5f); }); break;
    case UnaryKind::kMish: Map(x, out, n, [](float v) { return v * std::tanh(Softplus(v)); }); break;
    case UnaryKind::kClip: {
      const float lo = a.clip_min;
      const float hi = a.clip_max;
      Map(x, out, n, [=](float v) { return v != v ? v : (v < lo ? lo : (v > hi ? hi : v)); });
      break;
    }
  }
}

}  // namespace vrnn
