#include "rnn_model.h"

#include <algorithm>

#include "projection.h"
#include "recurrence.h"

namespace vrnn {
namespace {

void CopyOrZero(std::vector<float>& to, const float* from, std::size_t count) {
  if (from == nullptr) {
    to.assign(count, 0.0f);
  } else {
    to.assign(from, from + count);
  }
}

void Transpose(const float* from, std::size_t n, std::vector<float>& to) {
  to.resize(n * n);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < n; ++c) to[c * n + r] = from[r * n + c];
  }
}

}  // namespace

RnnModel::RnnModel(const RnnSpec& spec) : spec_(spec) {
  parameters_.resize(static_cast<std::size_t>(spec.num_layers) * spec.num_directions());
  for (int layer = 0; layer < spec.num_layers; ++layer) {
    for (int dir = 0; dir < spec.num_directions(); ++dir) {
      SetWeights(layer, dir, nullptr, nullptr, nullptr, nullptr);
    }
  }
}

void RnnModel::SetWeights(int layer, int dir, const float* w_ih, const float* w_hh, const float* b_ih,
                          const float* b_hh) {
  const std::size_t h = spec_.hidden_size;
  const std::size_t in = spec_.layer_input_size(layer);
  DirectionParameters& p = parameters_[static_cast<std::size_t>(layer) * spec_.num_directions() + dir];
  CopyOrZero(p.w_ih, w_ih, h * in);
  if (w_hh == nullptr) {
    p.w_hh_t.assign(h * h, 0.0f);
  } else {
    Transpose(w_hh, h, p.w_hh_t);
  }
  CopyOrZero(p.b_ih, b_ih, h);
  CopyOrZero(p.b_hh, b_hh, h);
}

const DirectionParameters& RnnModel::Parameters(int layer, int dir) const {
  return parameters_[static_cast<std::size_t>(layer) * spec_.num_directions() + dir];
}

void RnnModel::Forward(const SequenceBatch& batch, Workspace& ws) const {
  const std::size_t rows = batch.steps * batch.batch;
  const std::size_t width = static_cast<std::size_t>(spec_.num_directions()) * spec_.hidden_size;
  const float* input = batch.input;
  for (int layer = 0; layer < spec_.num_layers; ++layer) {
    const bool last = layer + 1 == spec_.num_layers;
    float* output = last ? batch.output : Workspace::Reserve(ws.layer_outputs[layer % 2], rows * width);
    RunLayer(layer, input, batch, output, ws);
    input = output;
  }
}

void RnnModel::RunLayer(int layer, const float* input, const SequenceBatch& batch, float* output,
                        Workspace& ws) const {
  const int nd = spec_.num_directions();
  const std::size_t h = spec_.hidden_size;
  const std::size_t in = spec_.layer_input_size(layer);
  const RowLayout layout{batch.steps, batch.batch, batch.batch_first};
  for (int dir = 0; dir < nd; ++dir) {
    const DirectionParameters& p = Parameters(layer, dir);
    float* projection = Workspace::Reserve(ws.projections[dir], layout.RowCount() * h);
    ProjectInputs({input, in, in, layout, batch.lengths, p.w_ih.data(), p.b_ih.data(), h, projection});
    const std::size_t state_row = (static_cast<std::size_t>(layer) * nd + dir) * batch.batch * h;
    RecurrenceArgs args{
        {p.w_hh_t.data(), p.b_hh.data(), h, spec_.activations[dir], spec_.clip},
        spec_.is_reverse(dir),
        spec_.outputs_in_processing_order && spec_.is_reverse(dir),
        layout,
        projection,
        batch.lengths,
        batch.mask,
        batch.h0 ? batch.h0 + state_row : nullptr,
        output + dir * h,
        nd * h,
        batch.hn + state_row,
    };
    RunRecurrence(args, ws);
  }
}

}  // namespace vrnn
