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

inline std::size_t PaddedStride(std::size_t hidden) {
  return (hidden + kColumnAlign - 1) / kColumnAlign * kColumnAlign;
}

struct PackedStepWeights {
  const float* w_hh_t;  // [H, stride]: row k holds W_hh[:, k], zero-padded to the stride
  const float* b_hh;    // [stride], zero-padded
  std::size_t hidden;   // H
  std::size_t stride;   // PaddedStride(H)
  Activation activation;
  float clip;           // +infinity for none
};

struct StepRows {
  const float* const* h_prev;
  const float* const* projected;
  float* const* out;
  std::size_t count;
};

using StepKernel = void (*)(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin,
                            std::size_t col_end);

StepKernel StepKernelFor(KernelPath path);

// The per-path kernels (each defined in its own file).
void StepPortable(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);
void StepAvx2(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);
void StepAvx512(const PackedStepWeights& weights, const StepRows& rows, std::size_t col_begin, std::size_t col_end);

// Whether a path fuses this activation in registers; the others get a scalar pass over the row.
inline bool FusedInRegisters(ActivationKind kind) {
  return kind == ActivationKind::kTanh || kind == ActivationKind::kRelu;
}

}  // namespace vrnn
