// A stack of RNN layers with its own copy of the weights, laid out for the kernel.
// Knows nothing of JavaScript: the binding layer checks sizes before calling in.
#pragma once

#include <cstddef>
#include <vector>

#include "rnn_spec.h"
#include "workspace.h"

namespace vrnn {

struct DirectionParameters {
  std::vector<float> w_ih;    // [H, in] as given (PyTorch layout): sgemm reads it transposed
  std::vector<float> w_ih_t;  // W_ih packed for the blocked kernels (see PackedStepWeights)
  std::vector<float> w_hh_t;  // W_hh packed for the blocked kernels
  std::vector<float> b_ih;    // [stride], zeros without bias
  std::vector<float> b_hh;    // [stride], zeros without bias
};

class RnnModel {
 public:
  explicit RnnModel(const RnnSpec& spec);

  const RnnSpec& spec() const { return spec_; }

  // Copies one layer-direction's weights. w_ih is [H, in], w_hh is [H, H]; a null bias means zeros.
  void SetWeights(int layer, int direction, const float* w_ih, const float* w_hh, const float* b_ih,
                  const float* b_hh);

  const DirectionParameters& Parameters(int layer, int direction) const;

  // Bytes held by the weights (for the garbage collector's accounting).
  std::size_t ParameterBytes() const;

  // Runs every layer over the batch. Sizes must already match spec() (see SequenceBatch).
  void Forward(const SequenceBatch& batch, Workspace& workspace) const;

 private:
  RnnSpec spec_;
  std::vector<DirectionParameters> parameters_;  // [layer * nd + direction]
};

}  // namespace vrnn
