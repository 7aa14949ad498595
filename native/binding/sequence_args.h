// The checked arguments of a forward call, shared by the sync and the async binding.
#pragma once

#include <napi.h>

#include <cstddef>

#include "../kernel/rnn_spec.h"

namespace vrnn_binding {

struct SequenceArgs {
  vrnn::SequenceBatch call;      // input, h0, lengths, mask point into the caller's typed arrays
  std::size_t input_size = 0;    // elements of each buffer
  std::size_t output_size = 0;
  std::size_t state_size = 0;
};

// Reads info[0..6]: input, steps, batch, batchFirst, h0 | null, lengths | null, mask | null.
SequenceArgs ReadSequenceArgs(const Napi::CallbackInfo& info, const vrnn::RnnSpec& spec);

}  // namespace vrnn_binding
