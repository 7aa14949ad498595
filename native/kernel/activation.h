// Element-wise activations of the ONNX RNN operator (a superset of PyTorch's and Keras' choices).
// Applied to a whole row at a time so the switch on the kind stays outside the inner loop.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace vrnn {

enum class ActivationKind : int {
  kTanh = 0,
  kRelu = 1,
  kSigmoid = 2,
  kAffine = 3,
  kLeakyRelu = 4,
  kThresholdedRelu = 5,
  kScaledTanh = 6,
  kHardSigmoid = 7,
  kElu = 8,
  kSoftsign = 9,
  kSoftplus = 10,
  kSelu = 11,  // Keras only: scale * elu(x, alpha); alpha holds Keras' alpha, beta the scale
};

constexpr int kActivationKindCount = 12;

struct Activation {
  ActivationKind kind = ActivationKind::kTanh;
  float alpha = 0.0f;
  float beta = 0.0f;
};

// log(1 + e^x) without overflow for large x or loss of precision for very negative x.
inline float Softplus(float x) { return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

inline float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// min(1, max(0, alpha x + beta)), written so that NaN propagates (std::max(0, NaN) would return 0).
inline float HardSigmoid(float x, float alpha, float beta) {
  const float y = alpha * x + beta;
  return y != y ? y : std::min(1.0f, std::max(0.0f, y));
}

// Clamps the pre-activation to [-clip, clip] (ONNX `clip`; pass +infinity for none), then activates.
void ClipAndActivateRow(const Activation& activation, float clip, float* values, std::size_t count);

}  // namespace vrnn
