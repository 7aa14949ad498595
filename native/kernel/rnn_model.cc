#include "rnn_model.h"

#include "forward_pass.h"
#include "step_kernel.h"

namespace vrnn {
namespace {

void CopyOrZero(std::vector<float>& to, const float* from, std::size_t count, std::size_t padded) {
  to.assign(padded, 0.0f);
  if (from != nullptr) std::copy(from, from + count, to.begin());
}

// Row k of the result holds column k of W_hh, so the step kernel's inner loop reads contiguously.
void TransposePadded(const float* from, std::size_t n, std::size_t stride, std::vector<float>& to) {
  to.assign(n * stride, 0.0f);
  if (from == nullptr) return;
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < n; ++c) to[c * stride + r] = from[r * n + c];
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
  const std::size_t stride = PaddedStride(h);
  const std::size_t in = spec_.layer_input_size(layer);
  DirectionParameters& p = parameters_[static_cast<std::size_t>(layer) * spec_.num_directions() + dir];
  CopyOrZero(p.w_ih, w_ih, h * in, h * in);
  TransposePadded(w_hh, h, stride, p.w_hh_t);
  CopyOrZero(p.b_ih, b_ih, h, h);
  CopyOrZero(p.b_hh, b_hh, h, stride);
}

const DirectionParameters& RnnModel::Parameters(int layer, int dir) const {
  return parameters_[static_cast<std::size_t>(layer) * spec_.num_directions() + dir];
}

void RnnModel::Forward(const SequenceBatch& batch, Workspace& workspace) const {
  ForwardPass(*this, batch, workspace).Run();
}

}  // namespace vrnn
