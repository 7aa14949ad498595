// forwardAsync: a forward pass on the libuv thread pool.
//
// The inputs are copied into native memory on the main thread (O(T*B*D) against the O(T*B*D*H)
// of the work), so the caller may transfer or detach its buffers while the work runs. The outputs
// are ArrayBuffers the addon creates before queuing and hands to JS only when the work is done:
// JS cannot reach, detach or collect them meanwhile, and the kernel writes straight into them.
#pragma once

#include <napi.h>

#include <memory>

#include "../kernel/rnn_model.h"
#include "../kernel/workspace_pool.h"
#include "sequence_args.h"

namespace vrnn_binding {

// Queues the work; callback(error | null, output: ArrayBuffer, hn: ArrayBuffer, cancelled: boolean).
// Returns a function that cancels the work if it has not started yet.
Napi::Value StartForwardWorker(Napi::Env env, std::shared_ptr<const vrnn::RnnModel> model,
                               std::shared_ptr<vrnn::WorkspacePool> workspaces, const SequenceArgs& args,
                               Napi::Function callback);

}  // namespace vrnn_binding
