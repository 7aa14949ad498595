// A fully connected layer over rows: out = act(x kernel + bias), one sgemm for all rows (Keras Dense).
#pragma once

#include <cstddef>

#include "activation.h"

namespace vrnn {

struct DenseArgs {
  const float* input;   // [rows, in]
  std::size_t rows;
  std::size_t in;
  const float* kernel;  // [in, units] (Keras layout)
  const float* bias;    // [units] or nullptr
  std::size_t units;
  bool softmax;         // row-wise softmax instead of `activation`
  Activation activation;
  float* output;        // [rows, units]
};

void DenseForward(const DenseArgs& args);

}  // namespace vrnn
