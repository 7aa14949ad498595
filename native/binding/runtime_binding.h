// Process and environment settings exposed to JS: the thread budget, the kernel path, and a raw
// sgemm for the benchmark's peak measurement.
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
// sgemm(M, N, K, a, b, c, threads): C = A B row-major, OpenBLAS on `threads` threads for this call.
Napi::Value Sgemm(const Napi::CallbackInfo& info);

}  // namespace vrnn_binding
