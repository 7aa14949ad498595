// Unary elementwise ops: every activation of the RNN kernel (through activation.h's row functions)
// and the other elementwise functions of ONNX models and Keras layers. `out` may be `x` itself.
#pragma once

#include <cstddef>

#include "../activation.h"

namespace vrnn {

enum class UnaryKind : int {
  kActivation = 0,  // `activation`, with its alpha and beta
  kExp = 1,
  kLog = 2,
  kNeg = 3,
  kAbs = 4,
  kSqrt = 5,
  kReciprocal = 6,
  kErf = 7,
  kGelu = 8,      // x Phi(x), with the exact erf
  kGeluTanh = 9,  // the tanh approximation of Gelu
  kSilu = 10,     // x sigmoid(x) (Keras swish)
  kHardSwish = 11,
  kMish = 12,
  kClip = 13,     // between clip_min and clip_max; NaN stays NaN
  kIdentity = 14,
};

struct UnaryArgs {
  UnaryKind kind = UnaryKind::kIdentity;
  Activation activation;  // kActivation only
  float clip_min = 0.0f;  // kClip only
  float clip_max = 0.0f;
  const float* x = nullptr;
  float* out = nullptr;
  std::size_t count = 0;
};

void Unary(const UnaryArgs& args);

}  // namespace vrnn
