// The AVX-512 step: register-blocked R rows x C vectors of 16 columns, broadcasting h[r][k] and
// streaming row k of the packed W_hh^T, with the bias, clip and tanh/relu applied in registers.
// Compiled for AVX-512 through function attributes only, so the rest of the binary stays baseline.
#include "step_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_ps in min/max): a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#define VRNN_AVX512 __attribute__((target("avx512f,fma")))

namespace vrnn {
namespace {

// tanh as a rational function (Eigen's float coefficients); error measured in native/tests.
VRNN_AVX512 inline __m512 Tanh16(__m512 a) {
  const __m512 clamp = _mm512_set1_ps(7.90531110763549805f);
  const __m512 x = _mm512_min_ps(clamp, _mm512_max_ps(_mm512_sub_ps(_mm512_setzero_ps(), clamp), a));
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-2.76076847742355e-16f);
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.00018790482477e-13f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-8.60467152213735e-11f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(5.12229709037114e-08f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(1.48572235717979e-05f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(6.37261928875436e-04f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(4.89352455891786e-03f));
  p = _mm512_mul_ps(p, x);
  __m512 q = _mm512_set1_ps(1.19825839466702e-06f);
  q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(1.18534705686654e-04f));
  q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(2.26843463243900e-03f));
  q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(4.89352518554385e-03f));
  const __m512 result = _mm512_div_ps(p, q);
  // Near zero tanh(x) = x to float precision; keeping x there preserves the relative accuracy.
  const __m512 abs_a = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7fffffff)));
  const __mmask16 tiny = _mm512_cmp_ps_mask(abs_a, _mm512_set1_ps(0.0004f), _CMP_LT_OQ);
  // Past 9.5 float tanh is exactly +-1; the rational function stops one ulp short.
  const __mmask16 saturated = _mm512_cmp_ps_mask(abs_a, _mm512_set1_ps(9.5f), _CMP_GT_OQ);
  const __m512 one = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(_mm512_set1_ps(1.0f)),
      _mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN))));
  return _mm512_mask_blend_ps(saturated, _mm512_mask_blend_ps(tiny, result, a), one);
}

struct Epilogue {
  __m512 clip_hi, clip_lo;
  bool clip;
  ActivationKind kind;
};

// max/min take the second operand when either is NaN; keeping the value second propagates NaN.
VRNN_AVX512 inline __m512 Finish(const Epilogue& e, __m512 v) {
  if (e.clip) v = _mm512_min_ps(e.clip_hi, _mm512_max_ps(e.clip_lo, v));
  if (e.kind == ActivationKind::kTanh) return Tanh16(v);
  if (e.kind == ActivationKind::kRelu) return _mm512_max_ps(_mm512_setzero_ps(), v);
  return v;
}

VRNN_AVX512 inline __mmask16 ColumnMask(std::size_t j, std::size_t end) {
  return j + 16 <= end ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (end - j)) - 1u);
}

template <int R, int C>
VRNN_AVX512 void Block(const PackedStepWeights& w, const StepRows& rows, const float* panel, std::size_t r0, std::size_t j0,
                       std::size_t col_end, const Epilogue& e) {
  __m512 acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_ps();
  const float* h[R];
  for (int r = 0; r < R; ++r) h[r] = rows.h_prev[r0 + r];
  const float* w_col = panel + j0;
  for (std::size_t k = 0; k < w.hidden; ++k) {
    const float* w_row = w_col + k * kPanelWidth;
    __m512 wv[C];
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) wv[c] = _mm512_loadu_ps(w_row + 16 * c);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 hb = _mm512_set1_ps(h[r][k]);
#pragma GCC unroll 8
      for (int c = 0; c < C; ++c) acc[r][c] = _mm512_fmadd_ps(hb, wv[c], acc[r][c]);
    }
  }
  for (int c = 0; c < C; ++c) {
    const std::size_t j = j0 + 16 * c;
    const __mmask16 mask = ColumnMask(j, col_end);
    const __m512 bias = _mm512_loadu_ps(w.b_hh + j);
    for (int r = 0; r < R; ++r) {
      const __m512 p = _mm512_maskz_loadu_ps(mask, rows.projected[r0 + r] + j);
      const __m512 v = _mm512_add_ps(acc[r][c], _mm512_add_ps(p, bias));
      _mm512_mask_storeu_ps(rows.out[r0 + r] + j, mask, Finish(e, v));
    }
  }
}

using BlockFn = void (*)(const PackedStepWeights&, const StepRows&, const float*, std::size_t, std::size_t, std::size_t,
                        const Epilogue&);

template <int R, int... C>
constexpr std::array<BlockFn, sizeof...(C)> BlocksUpTo(std::integer_sequence<int, C...>) {
  return {&Block<R, C + 1>...};
}

// Full blocks of CMax vectors, then one narrower block for the remaining columns.
template <int R, int CMax>
VRNN_AVX512 void RowBlock(const PackedStepWeights& w, const StepRows& rows, const float* panel, std::size_t r0, std::size_t col_begin,
                          std::size_t col_end, const Epilogue& e) {
  static constexpr auto kBlocks = BlocksUpTo<R>(std::make_integer_sequence<int, CMax>{});
  std::size_t j = col_begin;
  for (; j + 16 * CMax <= col_end; j += 16 * CMax) Block<R, CMax>(w, rows, panel, r0, j, col_end, e);
  const std::size_t vectors = (col_end - j + 15) / 16;
  if (vectors > 0) kBlocks[vectors - 1](w, rows, panel, r0, j, col_end, e);
}

}  // namespace

VRNN_AVX512 void StepAvx512(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin,
                            std::size_t col_end) {
  const bool fused = FusedInRegisters(w.activation.kind);
  Epilogue e{_mm512_set1_ps(w.clip), _mm512_set1_ps(-w.clip), fused && std::isfinite(w.clip),
             fused ? w.activation.kind : ActivationKind::kAffine};
  // Fewer rows leave registers for more columns: enough independent FMA chains either way.
  ForEachPanel(w, col_begin, col_end, [&](const float* base, std::size_t begin, std::size_t end) {
    std::size_t r = 0;
    for (; r + 8 <= rows.count; r += 8) RowBlock<8, 3>(w, rows, base, r, begin, end, e);
    if (r + 4 <= rows.count) { RowBlock<4, 4>(w, rows, base, r, begin, end, e); r += 4; }
    if (r + 2 <= rows.count) { RowBlock<2, 6>(w, rows, base, r, begin, end, e); r += 2; }
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
void StepAvx512(const PackedStepWeights& w, const StepRows& rows, std::size_t b, std::size_t e) {
  StepPortable(w, rows, b, e);
}
}  // namespace vrnn

#endif
