// The AVX2 + FMA step: the AVX-512 design with 8-column vectors and 16 registers, so smaller blocks.
#include "step_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#define VRNN_AVX2 __attribute__((target("avx2,fma")))

namespace vrnn {
namespace {

// The same rational tanh as the AVX-512 path.
VRNN_AVX2 inline __m256 Tanh8(__m256 a) {
  const __m256 clamp = _mm256_set1_ps(7.90531110763549805f);
  const __m256 x = _mm256_min_ps(clamp, _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), clamp), a));
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-2.76076847742355e-16f);
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.00018790482477e-13f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-8.60467152213735e-11f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(5.12229709037114e-08f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(1.48572235717979e-05f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(6.37261928875436e-04f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(4.89352455891786e-03f));
  p = _mm256_mul_ps(p, x);
  __m256 q = _mm256_set1_ps(1.19825839466702e-06f);
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(1.18534705686654e-04f));
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(2.26843463243900e-03f));
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(4.89352518554385e-03f));
  const __m256 result = _mm256_div_ps(p, q);
  const __m256 abs_a = _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  const __m256 tiny = _mm256_cmp_ps(abs_a, _mm256_set1_ps(0.0004f), _CMP_LT_OQ);
  // Past 9.5 float tanh is exactly +-1; the rational function stops one ulp short.
  const __m256 saturated = _mm256_cmp_ps(abs_a, _mm256_set1_ps(9.5f), _CMP_GT_OQ);
  const __m256 one = _mm256_or_ps(_mm256_set1_ps(1.0f), _mm256_and_ps(a, _mm256_set1_ps(-0.0f)));
  return _mm256_blendv_ps(_mm256_blendv_ps(result, a, tiny), one, saturated);
}

struct Epilogue {
  __m256 clip_hi, clip_lo;
  bool clip;
  ActivationKind kind;
};

VRNN_AVX2 inline __m256 Finish(const Epilogue& e, __m256 v) {
  if (e.clip) v = _mm256_min_ps(e.clip_hi, _mm256_max_ps(e.clip_lo, v));
  if (e.kind == ActivationKind::kTanh) return Tanh8(v);
  if (e.kind == ActivationKind::kRelu) return _mm256_max_ps(_mm256_setzero_ps(), v);
  return v;
}

// Lane i is on when column j + i < end.
VRNN_AVX2 inline __m256i ColumnMask(std::size_t j, std::size_t end) {
  const int remaining = static_cast<int>(end - j < 8 ? end - j : 8);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(remaining), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <int R, int C>
VRNN_AVX2 void Block(const PackedStepWeights& w, const StepRows& rows, const float* panel, std::size_t r0, std::size_t j0,
                     std::size_t col_end, const Epilogue& e) {
  __m256 acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = _mm256_setzero_ps();
  const float* h[R];
  for (int r = 0; r < R; ++r) h[r] = rows.h_prev[r0 + r];
  const float* w_col = panel + j0;
  for (std::size_t k = 0; k < w.hidden; ++k) {
    const float* w_row = w_col + k * kPanelWidth;
    __m256 wv[C];
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) wv[c] = _mm256_loadu_ps(w_row + 8 * c);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m256 hb = _mm256_broadcast_ss(h[r] + k);
#pragma GCC unroll 8
      for (int c = 0; c < C; ++c) acc[r][c] = _mm256_fmadd_ps(hb, wv[c], acc[r][c]);
    }
  }
  for (int c = 0; c < C; ++c) {
    const std::size_t j = j0 + 8 * c;
    const __m256i mask = ColumnMask(j, col_end);
    const __m256 bias = _mm256_loadu_ps(w.b_hh + j);
    for (int r = 0; r < R; ++r) {
      const __m256 p = _mm256_maskload_ps(rows.projected[r0 + r] + j, mask);
      const __m256 v = _mm256_add_ps(acc[r][c], _mm256_add_ps(p, bias));
      _mm256_maskstore_ps(rows.out[r0 + r] + j, mask, Finish(e, v));
    }
  }
}

using BlockFn = void (*)(const PackedStepWeights&, const StepRows&, const float*, std::size_t, std::size_t, std::size_t,
                        const Epilogue&);

template <int R, int... C>
constexpr std::array<BlockFn, sizeof...(C)> BlocksUpTo(std::integer_sequence<int, C...>) {
  return {&Block<R, C + 1>...};
}

template <int R, int CMax>
VRNN_AVX2 void RowBlock(const PackedStepWeights& w, const StepRows& rows, const float* panel, std::size_t r0, std::size_t col_begin,
                        std::size_t col_end, const Epilogue& e) {
  static constexpr auto kBlocks = BlocksUpTo<R>(std::make_integer_sequence<int, CMax>{});
  std::size_t j = col_begin;
  for (; j + 8 * CMax <= col_end; j += 8 * CMax) Block<R, CMax>(w, rows, panel, r0, j, col_end, e);
  const std::size_t vectors = (col_end - j + 7) / 8;
  if (vectors > 0) kBlocks[vectors - 1](w, rows, panel, r0, j, col_end, e);
}

}  // namespace

VRNN_AVX2 void StepAvx2(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  const bool fused = FusedInRegisters(w.activation.kind);
  Epilogue e{_mm256_set1_ps(w.clip), _mm256_set1_ps(-w.clip), fused && std::isfinite(w.clip),
             fused ? w.activation.kind : ActivationKind::kAffine};
  ForEachPanel(w, col_begin, col_end, [&](const float* base, std::size_t begin, std::size_t end) {
    std::size_t r = 0;
    for (; r + 4 <= rows.count; r += 4) RowBlock<4, 2>(w, rows, base, r, begin, end, e);
    if (r + 2 <= rows.count) { RowBlock<2, 4>(w, rows, base, r, begin, end, e); r += 2; }
    if (r < rows.count) RowBlock<1, 8>(w, rows, base, r, begin, end, e);
  });
  if (fused) return;
  for (std::size_t i = 0; i < rows.count; ++i) {
    ClipAndActivateRow(w.activation, w.clip, rows.out[i] + col_begin, col_end - col_begin);
  }
}

}  // namespace vrnn

#else

namespace vrnn {
void StepAvx2(const PackedStepWeights& w, const StepRows& rows, std::size_t b, std::size_t e) {
  StepPortable(w, rows, b, e);
}
}  // namespace vrnn

#endif
