// Process and environment settings exposed to JS: the thread budget and the kernel path.
#pragma once

#include <napi.h>

namespace vrnn_binding {

// Once per process: the addon pinned in memory (its threads outlive the environments that load it),
// and OpenBLAS at one thread, because the addon splits GEMMs over its own threads (OpenBLAS's
// spinning workers would otherwise steal the cores from the recurrence).
void InitProcessOnce();

Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
Napi::Value GetNumThreads(const Napi::CallbackInfo& info);
Napi::Value SetKernelPath(const Napi::CallbackInfo& info);
Napi::Value GetKernelPath(const Napi::CallbackInfo& info);
Napi::Value SupportedKernelPaths(const Napi::CallbackInfo& info);

}  // namespace vrnn_binding
