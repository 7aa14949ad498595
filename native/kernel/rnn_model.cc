#include "rnn_model.h"

#include "forward_pass.h"
#include "step_kernel.h"

namespace vrnn {
namespace {

void CopyOrZero(std::vector<float>& to, const float* from, std::size_t count, std::size_t padded) {
  to.assign(padded, 0.0f);
  if (from != nullptr) std::copy(from, from + count, to.begin());
}

// W [width, depth] transposed into the blocked kernels' panel layout (see PackedIndex), zero-padded.
void PackPanels(const float* w, std::size_t width, std::size_t depth, std::vector<float>& to) {
  to.assign(PackedFloats(width, depth), 0.0f);
  if (w == nullptr) return;
  for (std::size_t j = 0; j < width; ++j) {
    for (std::size_t k = 0; k < depth; ++k) to[PackedIndex(depth, k, j)] = w[j * depth + k];
  }
}

}  // namespace

RnnModel::RnnModel(const RnnSpec& spec) : spec_(spec) {
  parameters_.resize(static_cast<std::size_t>(spec.num_layers) * spec.num_directions());
  for (int layer = 0; layer < spec.num_layers; ++layer) {
    for (int dir = 0; dir < spec.num_directions(); ++dir) SetWeights(layer, dir, nullptr, nullptr, nullptr, nullptr);
  }
}

void RnnModel::SetWeights(int layer, int dir, const float* w_ih, const float* w_hh, const float* b_ih,
                          const float* b_hh) {
  const std::size_t h = spec_.hidden_size;
  const std::size_t in = spec_.layer_input_size(layer);
  DirectionParameters& p = parameters_[static_cast<std::size_t>(layer) * spec_.num_directions() + dir];
  CopyOrZero(p.w_ih, w_ih, h * in, h * in);
  PackPanels(w_ih, h, in, p.w_ih_t);
  PackPanels(w_hh, h, h, p.w_hh_t);
  CopyOrZero(p.b_ih, b_ih, h, PaddedColumns(h));
  CopyOrZero(p.b_hh, b_hh, h, PaddedColumns(h));
}

const DirectionParameters& RnnModel::Parameters(int layer, int dir) const {
  return parameters_[static_cast<std::size_t>(layer) * spec_.num_directions() + dir];
}

std::size_t RnnModel::ParameterBytes() const {
  std::size_t floats = 0;
  for (const DirectionParameters& p : parameters_) floats += p.w_ih.size() + p.w_ih_t.size() + p.w_hh_t.size() + p.b_ih.size() + p.b_hh.size();
  return floats * sizeof(float);
}

void RnnModel::Forward(const SequenceBatch& batch, Workspace& workspace) const {
  ForwardPass(*this, batch, workspace).Run();
}

}  // namespace vrnn
