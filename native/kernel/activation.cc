#include "activation.h"

#include <algorithm>
#include <cmath>

namespace vrnn {
namespace {

template <typename Fn>
void MapRow(float* values, std::size_t count, Fn fn) {
  for (std::size_t i = 0; i < count; ++i) values[i] = fn(values[i]);
}

}  // namespace

void ClipAndActivateRow(const Activation& a, float clip, float* v, std::size_t n) {
  if (std::isfinite(clip)) MapRow(v, n, [clip](float x) { return std::min(std::max(x, -clip), clip); });
  const float alpha = a.alpha;
  const float beta = a.beta;
  switch (a.kind) {
    case ActivationKind::kTanh: MapRow(v, n, [](float x) { return std::tanh(x); }); break;
    case ActivationKind::kRelu: MapRow(v, n, [](float x) { return x > 0.0f ? x : (x == x ? 0.0f : x); }); break;
    case ActivationKind::kSigmoid: MapRow(v, n, Sigmoid); break;
    case ActivationKind::kAffine: MapRow(v, n, [=](float x) { return alpha * x + beta; }); break;
    case ActivationKind::kLeakyRelu: MapRow(v, n, [=](float x) { return x >= 0.0f ? x : alpha * x; }); break;
    case ActivationKind::kThresholdedRelu: MapRow(v, n, [=](float x) { return x > alpha ? x : 0.0f; }); break;
    case ActivationKind::kScaledTanh: MapRow(v, n, [=](float x) { return alpha * std::tanh(beta * x); }); break;
    case ActivationKind::kHardSigmoid: MapRow(v, n, [=](float x) { return HardSigmoid(x, alpha, beta); }); break;
    case ActivationKind::kElu: MapRow(v, n, [=](float x) { return x >= 0.0f ? x : alpha * std::expm1(x); }); break;
    case ActivationKind::kSoftsign: MapRow(v, n, [](float x) { return x / (1.0f + std::fabs(x)); }); break;
    case ActivationKind::kSoftplus: MapRow(v, n, Softplus); break;
    case ActivationKind::kSelu:
      MapRow(v, n, [=](float x) { return beta * (x > 0.0f ? x : alpha * std::expm1(x)); });
      break;
  }
}

}  // namespace vrnn
