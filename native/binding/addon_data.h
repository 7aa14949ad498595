// Per-environment state (the main thread and each worker_thread has its own): context-aware.
#pragma once

#include <napi.h>

#include "../kernel/kernel_path.h"

namespace vrnn_binding {

struct AddonData {
  vrnn::KernelPath kernel_path = vrnn::BestKernelPath();
};

inline AddonData& DataOf(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace vrnn_binding
