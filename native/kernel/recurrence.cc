#include "recurrence.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace vrnn {
namespace {

std::size_t LengthOf(const DirectionJob& job, std::size_t b) {
  return job.lengths == nullptr ? job.layout.steps : static_cast<std::size_t>(job.lengths[b]);
}

// W_hh is [H, H]: its depth is the hidden size.
std::size_t HiddenOf(const DirectionJob& job) { return job.weights.depth; }

float* OutputRow(const DirectionJob& job, std::size_t t, std::size_t b) {
  return job.output + job.layout.Row(t, b) * job.output_stride;
}

void CopyColumns(float* to, const float* from, std::size_t col_begin, std::size_t col_end) {
  std::memcpy(to + col_begin, from + col_begin, (col_end - col_begin) * sizeof(float));
}

}  // namespace

void SortByLength(const int32_t* lengths, std::size_t batch, std::vector<int32_t>& order) {
  order.resize(batch);
  std::iota(order.begin(), order.end(), 0);
  if (lengths == nullptr) return;
  std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return lengths[x] > lengths[y]; });
}

void ReserveCursor(RecurrenceCursor& c, std::size_t batch) {
  c.states.resize(batch);
  c.outputs.resize(batch);
  c.h_rows.resize(batch);
  c.p_rows.resize(batch);
  c.out_rows.resize(batch);
}

void BeginRecurrence(const DirectionJob& job, RecurrenceCursor& c) {
  const std::size_t batch = job.layout.batch;
  const std::size_t h = HiddenOf(job);
  std::fill(c.outputs.begin(), c.outputs.begin() + batch, job.zeros);
  for (std::size_t b = 0; b < batch; ++b) c.states[b] = job.h0 ? job.h0 + b * h : job.zeros;
  c.running = job.sequence_count;
}

void AdvanceRecurrence(const DirectionJob& job, RecurrenceCursor& c, std::size_t s, std::size_t col_begin,
                       std::size_t col_end) {
  while (c.running > 0 && LengthOf(job, job.order[c.running - 1]) <= s) --c.running;
  std::size_t rows = 0;
  for (std::size_t i = 0; i < c.running; ++i) {
    const std::size_t b = job.order[i];
    const std::size_t t = job.reverse ? LengthOf(job, b) - 1 - s : s;
    float* out = OutputRow(job, job.outputs_in_processing_order ? s : t, b);
    if (job.mask != nullptr && job.mask[b * job.layout.steps + t] == 0) {
      // Keras masking: the state carries over and the output repeats the previous output.
      CopyColumns(out, c.outputs[b], col_begin, col_end);
      continue;
    }
    c.h_rows[rows] = c.states[b];
    const std::size_t p_row = job.projection_steps == 0 ? job.layout.Row(t, b)
                                                         : (s % job.projection_steps) * job.sequence_count + i;
    c.p_rows[rows] = job.projection + p_row * HiddenOf(job);
    c.out_rows[rows] = out;
    ++rows;
    c.states[b] = out;
    c.outputs[b] = out;
  }
  job.kernel(job.weights, {c.h_rows.data(), c.p_rows.data(), c.out_rows.data(), rows}, col_begin, col_end);
}

void FinishRecurrence(const DirectionJob& job, const RecurrenceCursor& c, std::size_t col_begin,
                      std::size_t col_end) {
  for (std::size_t i = 0; i < job.sequence_count; ++i) {
    const std::size_t b = job.order[i];
    for (std::size_t t = LengthOf(job, b); t < job.layout.steps; ++t) {
      std::memset(OutputRow(job, t, b) + col_begin, 0, (col_end - col_begin) * sizeof(float));
    }
    CopyColumns(job.hn + b * HiddenOf(job), c.states[b], col_begin, col_end);
  }
}

}  // namespace vrnn
