// The recurrent step over a batch of sequences: for every row r,
//   out[r][j] = act(clip(projected[r][j] + b_hh[j] + sum_k h_prev[r][k] * W_hh[j][k]))
// for the columns j in [col_begin, col_end). Rows are reached through pointers because the
// sequences still running at a step need not be adjacent in memory (layouts, lengths, masks).
// Every path computes each element's sum over k in the same order (k = 0, 1, ...), so the
// blocking and the column split across threads never change a result bit.
#pragma once

#include <cstddef>

#include "activation.h"
#include "kernel_path.h"

namespace vrnn {

// Columns are split between threads at multiples of this (one AVX-512 vector).
constexpr std::size_t kColumnAlign = 16;

// W_hh^T is stored in panels of this many columns, each panel [H, kPanelWidth] contiguous, so a
// step streams every panel sequentially (measured 1.8x faster than plain rows at H = 256, B = 1,
// where re-reading W_hh from L2 is the whole cost).
constexpr std::size_t kPanelWidth = 128;

// Floats from one row (k) of a panel to the next. At kPanelWidth (512 bytes) a block's stripe of W
// (a few lines of every row) falls in 3 of every 8 L1 sets and evicts itself and the rows of h; a
// line more spreads the rows over every set, so a stripe of a shallow matrix stays in L1 (measured
// 5-12 % faster at H = 128). A deep stripe (past L1 either way) streams better at 512 bytes: W_hh
// of H = 512 ran 4-7 % slower padded.
inline std::size_t PanelStride(std::size_t depth) { return depth <= 256 ? kPanelWidth + 16 : kPanelWidth; }

inline std::size_t PaddedColumns(std::size_t hidden) {
  return (hidden + kPanelWidth - 1) / kPanelWidth * kPanelWidth;
}

// Floats of the packed layout of a matrix [width, depth].
inline std::size_t PackedFloats(std::size_t width, std::size_t depth) {
  return PaddedColumns(width) / kPanelWidth * PanelStride(depth) * depth;
}

// Where element (k, j) of W^T lives in the packed layout of a matrix of this depth.
inline std::size_t PackedIndex(std::size_t depth, std::size_t k, std::size_t j) {
  const std::size_t stride = PanelStride(depth);
  return (j / kPanelWidth) * stride * depth + k * stride + j % kPanelWidth;
}

// A matrix W [width, depth] as the blocked kernels read it: W^T in panels of kPanelWidth columns,
// each [depth][kPanelWidth] contiguous, zero-padded. W_hh for the step (depth = H), W_ih for the
// input projection (depth = the layer's input width).
struct PackedStepWeights {
  const float* w_t;     // [PaddedColumns(width) / kPanelWidth][depth][PanelStride(depth)], PackedFloats in all
  const float* bias;    // [PaddedColumns(width)], zero-padded
  std::size_t depth;
  Activation activation;
  float clip;           // +infinity for none
};

// Calls fn(panel_base, begin, end) for each panel's share of [col_begin, col_end); element (k, j)
// of that panel is panel_base[k * PanelStride(depth) + j].
template <typename Fn>
inline void ForEachPanel(const PackedStepWeights& w, std::size_t col_begin, std::size_t col_end, Fn fn) {
  for (std::size_t panel = col_begin / kPanelWidth * kPanelWidth; panel < col_end; panel += kPanelWidth) {
    const std::size_t begin = panel > col_begin ? panel : col_begin;
    const std::size_t end = panel + kPanelWidth < col_end ? panel + kPanelWidth : col_end;
    fn(w.w_t + panel / kPanelWidth * PanelStride(w.depth) * w.depth - panel, begin, end);
  }
}

struct StepRows {
  const float* const* h_prev;
  const float* const* projected;
  float* const* out;
  std::size_t count;
};

using StepKernel = void (*)(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin,
                            std::size_t col_end);

StepKernel StepKernelFor(KernelPath path);
// The kernel the input projection runs on for this path: the blocked kernel of a SIMD path, or
// nullptr for the portable path (OpenBLAS's sgemm).
StepKernel ProjectionKernelFor(KernelPath path);

// The per-path kernels (each defined in its own file).
void StepPortable(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);
void StepAvx2(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);
void StepAvx512(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);
void StepNeon(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);

// Whether a path fuses this activation in registers; the others get a scalar pass over the row.
inline bool FusedInRegisters(ActivationKind kind) {
  return kind == ActivationKind::kTanh || kind == ActivationKind::kRelu;
}

// Affine(1, 0): the SIMD paths skip the pass (the input projection asks for this).
inline bool IsIdentity(const Activation& a) {
  return a.kind == ActivationKind::kAffine && a.alpha == 1.0f && a.beta == 0.0f;
}

}  // namespace vrnn
