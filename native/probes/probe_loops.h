// The two loops the hardware probes time, written once over a SIMD mapping S and compiled per
// instruction set in probe_<isa>.cc (as the step kernel is).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vrnn {
namespace probes {

// Independent FMA chains, as many as the registers hold beside the two operands: at least FMA
// latency times FMA pipes on current cores (4 x 2 on Zen 4/5 and Intel since Skylake, 4 x 4 NEON
// pipes on Neoverse V2). Returns the floating-point operations done (an FMA lane counts 2) and
// leaves a value depending on all of them in *sink.
template <typename S>
double FmaChains(std::int64_t iterations, float* sink) {
  constexpr int kChains = S::kRegisters >= 32 ? 16 : 12;
  typename S::Vec acc[kChains];
  const typename S::Vec a = S::Set(0.999999f), b = S::Set(*sink);
#pragma GCC unroll 16
  for (int i = 0; i < kChains; ++i) acc[i] = S::Set(*sink + static_cast<float>(i));
  for (std::int64_t n = 0; n < iterations; ++n) {
#pragma GCC unroll 16
    for (int i = 0; i < kChains; ++i) acc[i] = S::Fma(acc[i], a, b);
  }
  typename S::Vec sum = acc[0];
#pragma GCC unroll 16
  for (int i = 1; i < kChains; ++i) sum = S::Add(sum, acc[i]);
  float lanes[S::kWidth];
  S::Store(lanes, sum);
  *sink = lanes[0];
  return 2.0 * kChains * S::kWidth * static_cast<double>(iterations);
}

// Reads `floats` floats (a multiple of 4 vectors) `passes` times with four independent sums.
template <typename S>
float ReadSum(const float* data, std::size_t floats, int passes) {
  constexpr std::size_t W = S::kWidth;
  typename S::Vec s0 = S::Zero(), s1 = S::Zero(), s2 = S::Zero(), s3 = S::Zero();
  for (int pass = 0; pass < passes; ++pass) {
    for (std::size_t i = 0; i < floats; i += 4 * W) {
      s0 = S::Add(s0, S::Load(data + i));
      s1 = S::Add(s1, S::Load(data + i + W));
      s2 = S::Add(s2, S::Load(data + i + 2 * W));
      s3 = S::Add(s3, S::Load(data + i + 3 * W));
    }
  }
  float lanes[S::kWidth];
  S::Store(lanes, S::Add(S::Add(s0, s1), S::Add(s2, s3)));
  return lanes[0];
}

}  // namespace probes
}  // namespace vrnn
