// exp(x) for the x <= 0 that softmax feeds it (x minus the row's max), written as plain arithmetic so
// that loops over it vectorize at the baseline instruction set: std::exp is a call per element,
// most of a softmax's time. Cephes' expf (a Cody-Waite reduction to [-ln2/2, ln2/2], a degree-6
// polynomial, 2^n put into the exponent), within 2 ulp of std::exp; 0 where exp(x) is below
// float's normal range (std::exp gives a subnormal there), and NaN for NaN.
#pragma once

#include <cstdint>
#include <cstring>

namespace vrnn {

inline float ExpBelowZero(float x) {
  constexpr float kLowest = -87.33654f;  // ln(FLT_MIN): 2^n below stays a normal float
  constexpr float kHighest = 88.0f;      // past softmax's range; keeps 2^n a finite float
  // NaN fails both comparisons: it is computed as kLowest (no float-to-int conversion of NaN) and
  // given back at the end.
  const float clamped = x >= kLowest ? (x <= kHighest ? x : kHighest) : kLowest;
  const float fx = clamped * 1.44269504088896341f + 0.5f;
  // floor(fx), by truncation then a step down: SSE2 has no floor instruction.
  float n = static_cast<float>(static_cast<std::int32_t>(fx));
  n -= n > fx ? 1.0f : 0.0f;
  const float r = clamped - n * 0.693359375f - n * -2.12194440e-4f;
  const float p = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
                   + 1.6666665459e-1f) * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  // n is in [-126, 127] here, so the exponent field n + 127 is in [1, 254].
  const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return x >= kLowest ? y * scale : (x != x ? x : 0.0f);
}

}  // namespace vrnn
