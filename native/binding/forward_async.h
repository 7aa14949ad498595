// forwardAsync: a forward pass on the libuv thread pool.
//
// The inputs are copied into native memory on the main thread (O(T*B*D) against the O(T*B*D*H)
// of the work), so the caller may transfer or detach its buffers while the work runs. The outputs
// are either ArrayBuffers the addon creates before queuing and hands to JS only when the work is
// done (JS cannot reach, detach or collect them meanwhile), or the caller's Float32Arrays over a
// SharedArrayBuffer, which cannot be detached, held until the work is done. The kernel writes
// straight into them.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "../kernel/rnn_model.h"
#include "../kernel/workspace.h"
#include "scratch_pool.h"
#include "sequence_args.h"

namespace vrnn_binding {

// An async call's copies of its inputs, taken when the call is made.
struct AsyncInputs {
  std::vector<float> input;
  std::vector<float> h0;
  std::vector<int32_t> lengths;
  std::vector<uint8_t> mask;
};

// Reused from call to call: input copies for each queued call, workspaces for each running one.
struct AsyncScratch {
  ScratchPool<AsyncInputs> inputs;
  ScratchPool<vrnn::Workspace> workspaces;
};

// Queues the work; callback(error | null, output, hn, cancelled: boolean) where output and hn are
// new ArrayBuffers, or the given Float32Arrays when `outputs` holds them (else it is empty).
// Returns a function that cancels the work if it has not started yet.
Napi::Value StartForwardWorker(Napi::Env env, std::shared_ptr<const vrnn::RnnModel> model,
                               std::shared_ptr<AsyncScratch> scratch, const SequenceArgs& args,
                               const std::vector<Napi::Value>& outputs, Napi::Function callback);

}  // namespace vrnn_binding
