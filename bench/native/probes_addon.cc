// The bench's own addon (bench/native, built by npm run build:bench, never shipped): measurements of
// the machine that the library has no use for: the FMA peak of each SIMD path on all cores and one
// core's L2 read rate (native/probes, plain C++), and OpenBLAS's large-sgemm rate.
#include <cblas.h>
#include <napi.h>

#include <cstdint>
#include <limits>
#include <string>

#include "js_args.h"  // native/binding's argument checks
#include "../../native/kernel/kernel_path.h"
#include "../../native/probes/hardware_probes.h"

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxProbeThreads = 1024;

// A SIMD path this CPU runs, by name ('avx512', 'avx2', 'neon').
vrnn::KernelPath SimdPathArg(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  if (!value.IsString()) throw Napi::TypeError::New(env, std::string(name) + ": expected a kernel path name");
  const std::string text = value.As<Napi::String>().Utf8Value();
  vrnn::KernelPath path;
  if (!vrnn::ParseKernelPath(text, &path) || path == vrnn::KernelPath::kPortable) {
    throw Napi::RangeError::New(env, std::string(name) + ": expected 'avx512', 'avx2' or 'neon', got '" + text + "'");
  }
  if (!vrnn::KernelPathSupported(path)) {
    throw Napi::RangeError::New(env, std::string(name) + ": '" + text + "' is not supported by this CPU");
  }
  return path;
}

// fmaPeakGflops(path, threads): GFLOP/s of `threads` threads running the path's FMA chains at once.
Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  const vrnn::KernelPath path = SimdPathArg(info[0], "path");
  const int threads = static_cast<int>(IntegerArg(info[1], "threads", 1, kMaxProbeThreads));
  return Napi::Number::New(info.Env(), vrnn::probes::FmaPeakGflops(path, threads));
}

// readBandwidthGBps(path, bytes): GB/s one core reads from a buffer of `bytes` with the path's loads.
Napi::Value ReadBandwidth(const Napi::CallbackInfo& info) {
  const vrnn::KernelPath path = SimdPathArg(info[0], "path");
  const std::size_t bytes = IntegerArg(info[1], "bytes", 1024, int64_t{1} << 32);
  return Napi::Number::New(info.Env(), vrnn::probes::ReadBandwidthGBps(path, bytes));
}

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
  exports.Set("fmaPeakGflops", Napi::Function::New<vrnn_binding::FmaPeak>(env, "fmaPeakGflops"));
  exports.Set("readBandwidthGBps", Napi::Function::New<vrnn_binding::ReadBandwidth>(env, "readBandwidthGBps"));
  exports.Set("sgemm", Napi::Function::New<vrnn_binding::Sgemm>(env, "sgemm"));
  return exports;
}

NODE_API_MODULE(bench_probes, InitBenchProbes)
