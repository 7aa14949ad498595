// The register-blocked step kernel, written once over a SIMD mapping S (simd_avx512.h,
// simd_avx2.h, simd_neon.h) and compiled once per instruction set in step_<isa>.cc.
//
// A block is R rows by C vectors of columns: it broadcasts h[r][k] and streams row k of a packed
// W_hh^T panel, keeping its R * C accumulators in registers (every loop over R and C is unrolled,
// so none lives in memory), then adds the bias and projection and applies clip and tanh/relu in
// registers. Each accumulator sums over k = 0, 1, ... in order, so the blocking never changes a bit.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "simd_tanh.h"
#include "step_kernel.h"

namespace vrnn {
namespace simd {

template <typename S>
struct Epilogue {
  typename S::Vec clip_hi, clip_lo;
  bool clip;
};

// The activation is a template argument (kTanh, kRelu, or kAffine for none: a scalar pass
// follows), so no block tests it per vector. max/min return their second operand when either is
// NaN; keeping the value second propagates NaN.
template <typename S, ActivationKind K>
inline typename S::Vec Finish(const Epilogue<S>& e, typename S::Vec v) {
  if (e.clip) v = S::Min(e.clip_hi, S::Max(e.clip_lo, v));
  if constexpr (K == ActivationKind::kTanh) return Tanh<S>(v);
  if constexpr (K == ActivationKind::kRelu) return S::Max(S::Zero(), v);
  return v;
}

template <typename S>
struct BlockArgs {
  const PackedStepWeights* weights;
  const StepRows* rows;
  const float* panel;  // element (k, j) at panel[k * PanelStride(depth) + j]
  std::size_t col_end;
  const Epilogue<S>* epilogue;
};

// How far ahead (in rows of the panel) a block asks for its W columns. A block of a few rows
// streams its stripe of W from L2 or, for a W past L2 (H = 512: 1 MB), from L3, at a stride of
// kPanelWidth floats the hardware prefetcher follows late: 8 rows of 8 sequences at H = 512 ran
// 3-10 % faster with this, the in-cache shapes no slower.
constexpr std::size_t kPrefetchRows = 8;
constexpr std::size_t kLineFloats = 64 / sizeof(float);
// How far ahead (in floats) a block asks for the next line of each of its rows' h. The W stripe it
// streams maps to few L1 sets (rows 512 bytes apart) and evicts the h lines there, and an input
// row of the projection may come from memory: a profile of batch256_h128 put the samples on the
// FMAs waiting for the broadcasts. 14 % less CPU time at batch256_h128 on one thread (6.28 ->
// 5.39 ms, 6.02 -> 5.65 in a second run), 2 % on two; the other bench shapes within noise.
constexpr std::size_t kStateLead = 4 * kLineFloats;

template <typename S, ActivationKind K, int R, int C>
void Block(const BlockArgs<S>& a, std::size_t r0, std::size_t j0) {
  using Vec = typename S::Vec;
  constexpr int W = S::kWidth;
  Vec acc[R][C];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int c = 0; c < C; ++c) acc[r][c] = S::Zero();
  const float* h[R];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) h[r] = a.rows->h_prev[r0 + r];
  const float* w_row = a.panel + j0;
  const std::size_t depth = a.weights->depth;
  const std::size_t stride = PanelStride(depth);
  // In runs of a cache line of k, asking for each row's line kStateLead ahead at the start of each.
  for (std::size_t k0 = 0; k0 < depth; k0 += kLineFloats) {
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) __builtin_prefetch(h[r] + k0 + kStateLead, 0, 3);
    const std::size_t k_end = std::min(depth, k0 + kLineFloats);
    for (std::size_t k = k0; k < k_end; ++k, w_row += stride) {
      Vec w[C];
#pragma GCC unroll 16
      for (int c = 0; c < C; ++c) w[c] = S::Load(w_row + W * c);
#pragma GCC unroll 16
      for (int c = 0; c < C; ++c) __builtin_prefetch(w_row + kPrefetchRows * stride + W * c, 0, 3);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const Vec hb = S::Broadcast(h[r] + k);
#pragma GCC unroll 16
        for (int c = 0; c < C; ++c) acc[r][c] = S::Fma(hb, w[c], acc[r][c]);
      }
    }
  }
  // Copies the compiler keeps in registers: the vector types may alias the floats stored below,
  // so fields read through a pointer would be reloaded after every store.
  const Epilogue<S> e = *a.epilogue;
  const float* const bias_row = a.weights->bias;
  const float* const* const projected_rows = a.rows->projected;
  float* const* const out_rows = a.rows->out;
  // Whole vectors are loaded and stored plainly: AMD cores do not forward a masked store to the
  // next step's loads of the state, which then wait for the store to retire.
#pragma GCC unroll 16
  for (int c = 0; c < C; ++c) {
    const std::size_t j = j0 + W * c;
    const bool whole = a.col_end - j >= static_cast<std::size_t>(W);
    const typename S::Tail tail = S::FirstLanes(a.col_end - j);
    const Vec bias = S::Load(bias_row + j);  // padded to whole panels
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const float* projected = projected_rows[r0 + r] + j;
      float* out = out_rows[r0 + r] + j;
      const Vec p = whole ? S::Load(projected) : S::LoadTail(projected, tail);
      const Vec v = Finish<S, K>(e, S::Add(acc[r][c], S::Add(p, bias)));
      if (whole) S::Store(out, v);
      else S::StoreTail(out, tail, v);
    }
  }
}

template <typename S>
using BlockFn = void (*)(const BlockArgs<S>&, std::size_t, std::size_t);

template <typename S, ActivationKind K, int R, int... C>
constexpr std::array<BlockFn<S>, sizeof...(C)> BlocksUpTo(std::integer_sequence<int, C...>) {
  return {&Block<S, K, R, C + 1>...};
}

// Rows [r0, r0 + R) of columns [col_begin, col_end) in as few blocks as CMax vectors allow, their
// widths differing by one at most: 16 vectors at CMax = 3 run as 3, 3, 3, 3, 2, 2 rather than
// five blocks of 3 and one of a single vector, whose R accumulators are too few to hide the FMA latency.
template <typename S, ActivationKind K, int R, int CMax>
void RowBlock(const BlockArgs<S>& a, std::size_t r0, std::size_t col_begin) {
  constexpr std::size_t W = S::kWidth;
  static constexpr auto kBlocks = BlocksUpTo<S, K, R>(std::make_integer_sequence<int, CMax>{});
  const std::size_t vectors = (a.col_end - col_begin + W - 1) / W;
  const std::size_t blocks = (vectors + CMax - 1) / CMax;
  std::size_t j = col_begin;
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t width = vectors / blocks + (b < vectors % blocks ? 1 : 0);
    if (width == static_cast<std::size_t>(CMax)) Block<S, K, R, CMax>(a, r0, j);
    else kBlocks[width - 1](a, r0, j);
    j += W * width;
  }
}

// Asks for rows [first, first + count) of the step while the blocks before them run: each row's
// h_prev (read a float at a time, so the hardware prefetcher barely sees a stream in a row of a
// few cache lines), and its projected and out columns [begin, col_end) of this panel.
template <typename S>
void PrefetchRows(const BlockArgs<S>& a, std::size_t first, std::size_t count, std::size_t begin) {
  const std::size_t depth = a.weights->depth;
  for (std::size_t r = first; r < first + count; ++r) {
    const float* h = a.rows->h_prev[r];
    for (std::size_t k = 0; k < depth; k += kLineFloats) __builtin_prefetch(h + k, 0, 3);
    const float* p = a.rows->projected[r];
    float* out = a.rows->out[r];
    for (std::size_t j = begin; j < a.col_end; j += kLineFloats) {
      __builtin_prefetch(p + j, 0, 3);
      __builtin_prefetch(out + j, 1, 3);
    }
  }
}

// Fewer rows leave registers for more columns: enough independent FMA chains either way.
template <typename S, ActivationKind K>
void StepPanel(const BlockArgs<S>& a, std::size_t row_count, std::size_t begin) {
  std::size_t r = 0;
  if constexpr (S::kRegisters >= 32) {
    for (; r + 8 <= row_count; r += 8) {
      PrefetchRows(a, r + 8, std::min<std::size_t>(8, row_count - (r + 8)), begin);
      RowBlock<S, K, 8, 3>(a, r, begin);
    }
    if (r + 4 <= row_count) { RowBlock<S, K, 4, 4>(a, r, begin); r += 4; }
    if (r + 2 <= row_count) { RowBlock<S, K, 2, 6>(a, r, begin); r += 2; }
  } else {
    // Eight rows left run as 4 + 4, not 6 + 2: a block of two rows re-reads the whole panel for
    // two rows' worth of FMAs (measured at half the speed of the 6-row block).
    for (; r + 6 <= row_count && row_count - r != 8; r += 6) {
      PrefetchRows(a, r + 6, std::min<std::size_t>(6, row_count - (r + 6)), begin);
      RowBlock<S, K, 6, 2>(a, r, begin);
    }
    for (; r + 4 <= row_count; r += 4) RowBlock<S, K, 4, 3>(a, r, begin);
    if (r + 2 <= row_count) { RowBlock<S, K, 2, 4>(a, r, begin); r += 2; }
  }
  if (r < row_count) RowBlock<S, K, 1, 8>(a, r, begin);
}

template <typename S, ActivationKind K>
void StepPanels(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end,
                const Epilogue<S>& e) {
  ForEachPanel(w, col_begin, col_end, [&](const float* base, std::size_t begin, std::size_t end) {
    StepPanel<S, K>({&w, &rows, base, end, &e}, rows.count, begin);
  });
}

template <typename S>
void StepBlocked(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  const bool fused = FusedInRegisters(w.activation.kind);
  // Written as a comparison, not std::isfinite: nothing from another file is called in here.
  const bool finite_clip = w.clip - w.clip == 0.0f;
  const Epilogue<S> e{S::Set(w.clip), S::Set(-w.clip), fused && finite_clip};
  if (w.activation.kind == ActivationKind::kTanh) StepPanels<S, ActivationKind::kTanh>(w, rows, col_begin, col_end, e);
  else if (w.activation.kind == ActivationKind::kRelu) StepPanels<S, ActivationKind::kRelu>(w, rows, col_begin, col_end, e);
  else StepPanels<S, ActivationKind::kAffine>(w, rows, col_begin, col_end, e);
  if (fused || (IsIdentity(w.activation) && !finite_clip)) return;
  for (std::size_t i = 0; i < rows.count; ++i) {
    ClipAndActivateRow(w.activation, w.clip, rows.out[i] + col_begin, col_end - col_begin);
  }
}

}  // namespace simd
}  // namespace vrnn
