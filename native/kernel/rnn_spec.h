// What an RNN is (its hyper-parameters) and what one forward call reads and writes.
// Plain data over raw pointers: the binding layer fills these in after checking every size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "activation.h"
#include "kernel_path.h"

namespace vrnn {

enum class Direction : int { kForward = 0, kReverse = 1, kBidirectional = 2 };

struct RnnSpec {
  int input_size = 0;
  int hidden_size = 0;
  int num_layers = 1;
  Direction direction = Direction::kForward;
  Activation activations[2];  // one per direction
  float clip = std::numeric_limits<float>::infinity();
  // Keras go_backwards: a reverse direction's outputs are stored in processing order
  // (row s holds the step that consumed input T-1-s) instead of at the time they belong to.
  bool outputs_in_processing_order = false;

  int num_directions() const { return direction == Direction::kBidirectional ? 2 : 1; }
  bool is_reverse(int dir) const { return direction == Direction::kReverse || dir == 1; }
  int layer_input_size(int layer) const { return layer == 0 ? input_size : num_directions() * hidden_size; }

  // Multiply-adds of a forward call over `rows` time steps (T*B, or the sum of the lengths).
  double MultiplyAdds(double rows) const {
    double work = 0;
    for (int layer = 0; layer < num_layers; ++layer) {
      work += rows * num_directions() * static_cast<double>(hidden_size) * (layer_input_size(layer) + hidden_size);
    }
    return work;
  }
};

// One forward call. Sizes: D = input_size, H = hidden_size, nd = num_directions, L = num_layers.
struct SequenceBatch {
  const float* input = nullptr;     // [T, B, D], or [B, T, D] when batch_first
  std::size_t steps = 0;            // T
  std::size_t batch = 0;            // B
  bool batch_first = false;
  const float* h0 = nullptr;        // [L*nd, B, H], or nullptr for zeros
  const int32_t* lengths = nullptr; // [B], each in 1..T, or nullptr for all T
  const uint8_t* mask = nullptr;    // [B, T] Keras mask (0 = skip the step), or nullptr
  float* output = nullptr;          // [T, B, nd*H], or [B, T, nd*H] when batch_first
  float* hn = nullptr;              // [L*nd, B, H]
  KernelPath kernel_path = KernelPath::kPortable;
  int max_threads = 1;              // threads the call may use (the process budget still applies)
};

}  // namespace vrnn
