// The NEON mapping of the step kernel's vector operations (AArch64): 4 floats a vector, 32
// registers. Included only by step_neon.cc. NEON has no masked loads or stores, so a partial
// vector at a row's end goes through a small buffer.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

namespace vrnn {
namespace simd {

struct Neon {
  using Vec = float32x4_t;
  using Lanes = uint32x4_t;  // all ones in the lanes a comparison selects
  using Tail = std::size_t;  // how many of the first lanes (1..4) a partial vector holds
  static constexpr int kWidth = 4;
  static constexpr int kRegisters = 32;

  static Vec Zero() { return vdupq_n_f32(0.0f); }
  static Vec Set(float x) { return vdupq_n_f32(x); }
  static Vec Broadcast(const float* p) { return vld1q_dup_f32(p); }
  static Vec Load(const float* p) { return vld1q_f32(p); }
  static void Store(float* p, Vec v) { vst1q_f32(p, v); }
  // c + a * b, rounded once (the argument order of the x86 mappings).
  static Vec Fma(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
  static Vec Add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static Vec Mul(Vec a, Vec b) { return vmulq_f32(a, b); }
  static Vec Div(Vec a, Vec b) { return vdivq_f32(a, b); }
  // FMIN/FMAX return NaN when either operand is NaN, as the x86 mappings do for their second.
  static Vec Min(Vec a, Vec b) { return vminq_f32(a, b); }
  static Vec Max(Vec a, Vec b) { return vmaxq_f32(a, b); }
  static Vec Abs(Vec a) { return vabsq_f32(a); }
  static Vec WithSignOf(Vec magnitude, Vec sign) {
    const uint32x4_t sign_bit = vdupq_n_u32(0x80000000u);
    return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(magnitude), vandq_u32(vreinterpretq_u32_f32(sign), sign_bit)));
  }
  static Lanes Less(Vec a, Vec b) { return vcltq_f32(a, b); }
  static Lanes Greater(Vec a, Vec b) { return vcgtq_f32(a, b); }
  static Vec Select(Lanes lanes, Vec if_set, Vec if_clear) { return vbslq_f32(lanes, if_set, if_clear); }

  static Tail FirstLanes(std::size_t n) { return n < 4 ? n : 4; }
  static Vec LoadTail(const float* p, Tail tail) {
    if (tail == 4) return vld1q_f32(p);
    float lanes[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (std::size_t i = 0; i < tail; ++i) lanes[i] = p[i];
    return vld1q_f32(lanes);
  }
  static void StoreTail(float* p, Tail tail, Vec v) {
    if (tail == 4) return vst1q_f32(p, v);
    float lanes[4];
    vst1q_f32(lanes, v);
    for (std::size_t i = 0; i < tail; ++i) p[i] = lanes[i];
  }
};

}  // namespace simd
}  // namespace vrnn
