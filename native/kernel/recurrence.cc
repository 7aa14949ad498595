#include "recurrence.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace vrnn {
namespace {

std::size_t LengthOf(const RecurrenceArgs& a, std::size_t b) {
  return a.lengths == nullptr ? a.layout.steps : static_cast<std::size_t>(a.lengths[b]);
}

// Sequences by decreasing length, so the ones still running at step s are a prefix.
void SortByLength(const RecurrenceArgs& a, std::vector<int32_t>& order) {
  order.resize(a.layout.batch);
  std::iota(order.begin(), order.end(), 0);
  if (a.lengths == nullptr) return;
  std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return a.lengths[x] > a.lengths[y]; });
}

float* OutputRow(const RecurrenceArgs& a, std::size_t t, std::size_t b) {
  return a.output + a.layout.Row(t, b) * a.output_stride;
}

void ZeroPaddedRows(const RecurrenceArgs& a) {
  const std::size_t bytes = a.weights.hidden * sizeof(float);
  for (std::size_t b = 0; b < a.layout.batch; ++b) {
    for (std::size_t t = LengthOf(a, b); t < a.layout.steps; ++t) std::memset(OutputRow(a, t, b), 0, bytes);
  }
}

void InitialStates(const RecurrenceArgs& a, Workspace& ws) {
  const std::size_t h = a.weights.hidden;
  ws.zeros.assign(h, 0.0f);
  ws.states.resize(a.layout.batch);
  ws.outputs.assign(a.layout.batch, ws.zeros.data());
  for (std::size_t b = 0; b < a.layout.batch; ++b) ws.states[b] = a.h0 ? a.h0 + b * h : ws.zeros.data();
}

void StepSequence(const RecurrenceArgs& a, Workspace& ws, std::size_t b, std::size_t s) {
  const std::size_t length = LengthOf(a, b);
  const std::size_t t = a.reverse ? length - 1 - s : s;
  float* out = OutputRow(a, a.outputs_in_processing_order ? s : t, b);
  if (a.mask != nullptr && a.mask[b * a.layout.steps + t] == 0) {
    // Keras masking: the state carries over and the output repeats the previous output.
    std::memcpy(out, ws.outputs[b], a.weights.hidden * sizeof(float));
    return;
  }
  RecurrentStep(a.weights, a.projection + a.layout.Row(t, b) * a.weights.hidden, ws.states[b], out);
  ws.states[b] = out;
  ws.outputs[b] = out;
}

}  // namespace

void RunRecurrence(const RecurrenceArgs& a, Workspace& ws) {
  SortByLength(a, ws.order);
  InitialStates(a, ws);
  std::size_t running = a.layout.batch;
  for (std::size_t s = 0; s < a.layout.steps; ++s) {
    while (running > 0 && LengthOf(a, ws.order[running - 1]) <= s) --running;
    for (std::size_t i = 0; i < running; ++i) StepSequence(a, ws, ws.order[i], s);
  }
  ZeroPaddedRows(a);
  for (std::size_t b = 0; b < a.layout.batch; ++b) {
    std::memcpy(a.hn + b * a.weights.hidden, ws.states[b], a.weights.hidden * sizeof(float));
  }
}

}  // namespace vrnn
