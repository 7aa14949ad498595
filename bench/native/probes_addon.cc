// The bench's own addon (bench/native, built by npm run build:bench, never shipped): measurements of
// the machine that the library has no use for, such as OpenBLAS's large-sgemm rate.
#include <cblas.h>
#include <napi.h>

#include <cstdint>
#include <limits>

#include "js_args.h"  // native/binding's argument checks

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxProbeThreads = 1024;

// sgemm(M, N, K, a, b, c, threads): C = A B row-major, OpenBLAS on `threads` threads for this call.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  const std::size_t m = IntegerArg(info[0], "M", 1, kMax);
  const std::size_t n = IntegerArg(info[1], "N", 1, kMax);
  const std::size_t k = IntegerArg(info[2], "K", 1, kMax);
  const float* a = Float32Arg(info[3], "a", CheckedProduct(env, m, k, "a"));
  const float* b = Float32Arg(info[4], "b", CheckedProduct(env, k, n, "b"));
  float* c = Float32Arg(info[5], "c", CheckedProduct(env, m, n, "c"));
  const int threads = static_cast<int>(IntegerArg(info[6], "threads", 1, kMaxProbeThreads));
  openblas_set_num_threads(threads);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(k), b, static_cast<blasint>(n), 0.0f, c,
              static_cast<blasint>(n));
  openblas_set_num_threads(1);
  return env.Undefined();
}

}  // namespace
}  // namespace vrnn_binding

static Napi::Object InitBenchProbes(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New<vrnn_binding::Sgemm>(env, "sgemm"));
  return exports;
}

NODE_API_MODULE(bench_probes, InitBenchProbes)
