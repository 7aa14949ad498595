// Element-wise activations of the ONNX RNN operator (a superset of PyTorch's and Keras' choices).
// Applied to a whole row at a time so the switch on the kind stays outside the inner loop.
#pragma once

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

// Clamps the pre-activation to [-clip, clip] (ONNX `clip`; pass +infinity for none), then activates.
void ClipAndActivateRow(const Activation& activation, float clip, float* values, std::size_t count);

}  // namespace vrnn
