// The AVX2 + FMA mapping of the step kernel's vector operations: 8 floats a vector, 16 registers.
// Included only by step_avx2.cc, inside its AVX2 region.
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace vrnn {
namespace simd {

struct Avx2 {
  using Vec = __m256;
  using Lanes = __m256;   // all ones in the lanes a comparison selects
  using Tail = __m256i;   // all ones in the first lanes of a partial vector
  static constexpr int kWidth = 8;
  static constexpr int kRegisters = 16;

  static Vec Zero() { return _mm256_setzero_ps(); }
  static Vec Set(float x) { return _mm256_set1_ps(x); }
  static Vec Broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec Load(const float* p) { return _mm256_loadu_ps(p); }
  static void Store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec Fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec Add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec Mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec Div(Vec a, Vec b) { return _mm256_div_ps(a, b); }
  static Vec Min(Vec a, Vec b) { return _mm256_min_ps(a, b); }
  static Vec Max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
  static Vec Abs(Vec a) { return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }
  static Vec WithSignOf(Vec magnitude, Vec sign) { return _mm256_or_ps(magnitude, _mm256_and_ps(sign, _mm256_set1_ps(-0.0f))); }
  static Lanes Less(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Lanes Greater(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static Vec Select(Lanes lanes, Vec if_set, Vec if_clear) { return _mm256_blendv_ps(if_clear, if_set, lanes); }

  static Tail FirstLanes(std::size_t n) {
    const int count = static_cast<int>(n < 8 ? n : 8);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static Vec LoadTail(const float* p, Tail tail) { return _mm256_maskload_ps(p, tail); }
  static void StoreTail(float* p, Tail tail, Vec v) { _mm256_maskstore_ps(p, tail, v); }
};

}  // namespace simd
}  // namespace vrnn
