#include "projection.h"

#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace vrnn {
namespace {

// Rows per GEMM call: large enough to run near peak, small enough to share between threads.
// It follows the shape alone (never the thread count), so the results do too.
std::size_t RowsPerTask(std::size_t rows) {
  constexpr std::size_t kMin = 32;
  constexpr std::size_t kMax = 512;
  return std::min(kMax, std::max(kMin, (rows / 8 + kMin - 1) / kMin * kMin));
}

// Below this many multiply-adds a plain loop beats sgemm's fixed cost per call (the path is
// chosen by the shape alone, so results stay the same for every thread count).
constexpr std::size_t kMaxPlainLoopWork = 1024;

void ProjectRowsPlain(const ProjectionArgs& a, std::size_t first_row, std::size_t row_count, std::size_t row_step) {
  for (std::size_t r = 0; r < row_count; ++r) {
    const float* x = a.input + (first_row + r * row_step) * a.input_width;
    float* out = a.projection + (first_row + r * row_step) * a.hidden;
    for (std::size_t j = 0; j < a.hidden; ++j) {
      const float* w = a.w_ih + j * a.input_width;
      float sum = 0.0f;
      for (std::size_t k = 0; k < a.input_width; ++k) sum += x[k] * w[k];
      out[j] = a.b_ih[j] + sum;
    }
  }
}

// Rows of the layout through the blocked kernel, gathered in groups whose row pointers fit on
// the stack. Each output's sum over k runs in the same order whatever the group, so which rows are
// grouped together (a task's, a recurrence unit's) changes no bit.
class BlockedRows {
 public:
  explicit BlockedRows(const ProjectionArgs& a)
      : a_(a),
        weights_{a.w_ih_t, a.b_ih, a.input_width, {ActivationKind::kAffine, 1.0f, 0.0f},
                 std::numeric_limits<float>::infinity()} {
    for (const float*& z : zeros_) z = a.zeros;
  }

  // Row `row` of the layout, projected into its row of args.projection or into `out`.
  void Add(std::size_t row) { Add(row, a_.projection + row * a_.hidden); }
  void Add(std::size_t row, float* out) {
    x_[count_] = a_.input + row * a_.input_width;
    out_[count_] = out;
    if (++count_ == kGroup) Flush();
  }

  // b_ih comes in as the kernel's bias over a row of zeros: (x W_ih^T) + b_ih, PyTorch's grouping.
  void Flush() {
    if (count_ > 0) a_.kernel(weights_, {x_, zeros_, out_, count_}, 0, a_.hidden);
    count_ = 0;
  }

 private:
  static constexpr std::size_t kGroup = 64;

  const ProjectionArgs& a_;
  const PackedStepWeights weights_;
  const float* x_[kGroup];
  const float* zeros_[kGroup];
  float* out_[kGroup];
  std::size_t count_ = 0;
};

// Rows first_row, first_row + row_step, ... of the layout.
void ProjectRowsBlocked(const ProjectionArgs& a, std::size_t first_row, std::size_t row_count, std::size_t row_step) {
  BlockedRows rows(a);
  for (std::size_t r = 0; r < row_count; ++r) rows.Add(first_row + r * row_step);
  rows.Flush();
}

// On the portable path: C = bias rows, then C += A W_ih^T through sgemm; folding b_ih into the
// GEMM's beta keeps PyTorch's grouping (x W_ih^T + b_ih) + (h W_hh^T + b_hh).
void ProjectRows(const ProjectionArgs& a, std::size_t first_row, std::size_t row_count, std::size_t row_step) {
  const std::size_t h = a.hidden;
  if (a.kernel != nullptr) return ProjectRowsBlocked(a, first_row, row_count, row_step);
  if (row_count * a.input_width * h <= kMaxPlainLoopWork) return ProjectRowsPlain(a, first_row, row_count, row_step);
  const std::size_t lda = row_step * a.input_width;
  const std::size_t ldc = row_step * h;
  float* out = a.projection + first_row * h;
  for (std::size_t r = 0; r < row_count; ++r) std::memcpy(out + r * ldc, a.b_ih, h * sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(row_count), static_cast<blasint>(h),
              static_cast<blasint>(a.input_width), 1.0f, a.input + first_row * a.input_width,
              static_cast<blasint>(lda), a.w_ih, static_cast<blasint>(a.input_width), 1.0f, out,
              static_cast<blasint>(ldc));
}


// A sequence projected on its own (lengths given, or a single sequence) is cut into at most
// kChunksPerSequence pieces whose sizes follow its length alone. So a sequence gets the same
// tasks, hence the same bits, whether it runs alone or inside a batch with lengths (the dynamic
// batcher relies on this), and the work follows the sum of the lengths. The pieces double in
// the order the recurrence reads them (from the sequence's start, or its end for a reverse
// direction), the last taking the rest: the recurrence waits only for the short first piece
// while other threads project the next, each done before the recurrence reaches it.
constexpr std::size_t kChunksPerSequence = 8;
constexpr std::size_t kLeadSteps = 16;

struct SequenceSteps {
  std::size_t sequence;
  std::size_t length;
  std::size_t first;  // steps [first, first + count) of the sequence
  std::size_t count;
};

bool PerSequence(const ProjectionArgs& a) { return a.lengths != nullptr || a.layout.batch == 1; }

std::size_t SequenceLength(const ProjectionArgs& a, std::size_t b) {
  return a.lengths == nullptr ? a.layout.steps : static_cast<std::size_t>(a.lengths[b]);
}

// Piece `task % kChunksPerSequence` of its sequence, counted in the order the recurrence reads them.
SequenceSteps StepsOfTask(const ProjectionArgs& a, std::size_t task) {
  const std::size_t b = task / kChunksPerSequence;
  const std::size_t length = SequenceLength(a, b);
  const std::size_t piece = task % kChunksPerSequence;
  // Piece p starts at kLeadSteps * (2^p - 1) and holds kLeadSteps * 2^p steps.
  const std::size_t first = kLeadSteps * ((std::size_t{1} << piece) - 1);
  std::size_t count = 0;
  if (first < length) {
    count = piece + 1 == kChunksPerSequence ? length - first : std::min(kLeadSteps << piece, length - first);
  }
  // Mirrored for a reverse direction: the same pieces, measured from the sequence's end.
  const std::size_t start = a.reverse && count > 0 ? length - (first + count) : first;
  return {b, length, start, count};
}

struct RowRange {
  std::size_t first;
  std::size_t count;
};

RowRange RowsOfTask(const ProjectionArgs& a, std::size_t task) {
  const std::size_t per_task = RowsPerTask(a.layout.RowCount());
  const std::size_t first = task * per_task;
  return {first, std::min(per_task, a.layout.RowCount() - first)};
}

}  // namespace

std::size_t ProjectionTaskCount(const ProjectionArgs& a) {
  if (a.layout.RowCount() == 0) return 0;
  if (PerSequence(a)) return a.layout.batch * kChunksPerSequence;
  const std::size_t per_task = RowsPerTask(a.layout.RowCount());
  return (a.layout.RowCount() + per_task - 1) / per_task;
}

void RunProjectionTask(const ProjectionArgs& a, std::size_t task) {
  if (PerSequence(a)) {
    const SequenceSteps steps = StepsOfTask(a, task);
    if (steps.count == 0) return;
    const std::size_t step_stride = a.layout.StepStride();
    ProjectRows(a, a.layout.SequenceStart(steps.sequence) + steps.first * step_stride, steps.count, step_stride);
    return;
  }
  const RowRange rows = RowsOfTask(a, task);
  ProjectRows(a, rows.first, rows.count, 1);
}

std::size_t ProjectionTaskFirstStep(const ProjectionArgs& a, std::size_t task) {
  const bool reverse = a.reverse;
  if (PerSequence(a)) {
    const SequenceSteps steps = StepsOfTask(a, task);
    if (steps.count == 0) return SIZE_MAX;
    // A reverse pass reaches step t of a sequence of length L at processing step L - 1 - t.
    return reverse ? steps.length - (steps.first + steps.count) : steps.first;
  }
  const RowRange rows = RowsOfTask(a, task);
  const RowLayout& layout = a.layout;
  if (!layout.batch_first) {
    const std::size_t t = reverse ? (rows.first + rows.count - 1) / layout.batch : rows.first / layout.batch;
    return reverse ? layout.steps - 1 - t : t;
  }
  // Batch-first rows run along one sequence's steps; a range crossing into the next sequence
  // holds its step 0 (and the previous one's last step).
  const std::size_t first_t = rows.first % layout.steps;
  if (first_t + rows.count > layout.steps) return 0;
  return reverse ? layout.steps - (first_t + rows.count) : first_t;
}

namespace {

// Calls fn(row, s, i) for the layout row that processing step first_step + s of sequences[i]
// reads, for every step in [first_step, first_step + steps) within the sequence's length.
template <typename Fn>
void ForEachSequenceStepRow(const ProjectionArgs& a, const int32_t* sequences, std::size_t count,
                            std::size_t first_step, std::size_t steps, Fn fn) {
  for (std::size_t s = 0; s < steps; ++s) {
    const std::size_t step = first_step + s;
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t b = static_cast<std::size_t>(sequences[i]);
      const std::size_t length = SequenceLength(a, b);
      if (step < length) fn(a.layout.Row(a.reverse ? length - 1 - step : step, b), s, i);
    }
  }
}

}  // namespace

void ProjectSequenceSteps(const ProjectionArgs& a, const int32_t* sequences, std::size_t count, std::size_t first_step,
                          std::size_t steps, float* out) {
  BlockedRows rows(a);
  ForEachSequenceStepRow(a, sequences, count, first_step, steps, [&](std::size_t row, std::size_t s, std::size_t i) {
    rows.Add(row, out + (s * count + i) * a.hidden);
  });
  rows.Flush();
}

void PrefetchSequenceSteps(const ProjectionArgs& a, const int32_t* sequences, std::size_t count, std::size_t first_step,
                           std::size_t steps) {
  constexpr std::size_t kLineFloats = 64 / sizeof(float);
  ForEachSequenceStepRow(a, sequences, count, first_step, steps, [&](std::size_t row, std::size_t, std::size_t) {
    const float* x = a.input + row * a.input_width;
    for (std::size_t k = 0; k < a.input_width; k += kLineFloats) {
#if defined(__GNUC__) || defined(__clang__)
      __builtin_prefetch(x + k, 0, 2);
      // A loop of loads and prefetches alone counts as one without effect: GCC 12 deleted it whole.
      asm volatile("" : : "r"(x + k));
#endif
    }
  });
}

}  // namespace vrnn
