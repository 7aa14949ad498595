// The AVX-512 mapping of the step kernel's vector operations: 16 floats a vector, 32 registers.
// Included only by step_avx512.cc, inside its AVX-512 region.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace vrnn {
namespace simd {

struct Avx512 {
  using Vec = __m512;
  using Lanes = __mmask16;     // the lanes a comparison selects
  using Tail = __mmask16;      // the first lanes of a partial vector at a row's end
  static constexpr int kWidth = 16;
  static constexpr int kRegisters = 32;

  static Vec Zero() { return _mm512_setzero_ps(); }
  static Vec Set(float x) { return _mm512_set1_ps(x); }
  static Vec Broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec Load(const float* p) { return _mm512_loadu_ps(p); }
  static void Store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  // a * b + c, rounded once.
  static Vec Fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec Add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec Mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec Div(Vec a, Vec b) { return _mm512_div_ps(a, b); }
  // NaN in `b` comes out: callers pass the value second so NaN propagates.
  static Vec Min(Vec a, Vec b) { return _mm512_min_ps(a, b); }
  static Vec Max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Vec Abs(Vec a) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7fffffff)));
  }
  // |magnitude| with the sign of `sign`, for a positive magnitude.
  static Vec WithSignOf(Vec magnitude, Vec sign) {
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(magnitude),
                                               _mm512_and_si512(_mm512_castps_si512(sign), _mm512_set1_epi32(INT32_MIN))));
  }
  static Lanes Less(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static Lanes Greater(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static Vec Select(Lanes lanes, Vec if_set, Vec if_clear) { return _mm512_mask_blend_ps(lanes, if_clear, if_set); }

  // The first min(n, kWidth) lanes.
  static Tail FirstLanes(std::size_t n) {
    return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
  }
  static Vec LoadTail(const float* p, Tail tail) { return _mm512_maskz_loadu_ps(tail, p); }
  static void StoreTail(float* p, Tail tail, Vec v) { _mm512_mask_storeu_ps(p, tail, v); }
};

}  // namespace simd
}  // namespace vrnn
